import { describe, expect, it } from 'vitest';
import { AnalogTemperatureDriver } from './analog-temperature.ts';
import { FakeBoard } from './fake-board.ts';
import { LdrDriver } from './ldr.ts';
import { MicrophoneDriver } from './microphone.ts';

/** raw ADC count for a voltage at a 5 V reference */
const counts = (volts: number) => Math.round((volts / 5) * 1023);

describe('analog temperature (TMP36, LM35)', () => {
  it('TMP36: 750 mV is 25 °C (datasheet), averaged over the interval', async () => {
    const board = new FakeBoard();
    const d = new AnalogTemperatureDriver({ id: 'room', type: 'tmp36', pin: 'A2' });
    d.attach(board);
    board.emitAnalog(2, counts(0.74));
    board.emitAnalog(2, counts(0.76));
    const [r] = await d.read();
    expect(r?.unit).toBe('°C');
    expect(r?.value).toBeCloseTo(25, 0);
  });

  it('LM35: 10 mV per °C from 0 V', async () => {
    const board = new FakeBoard();
    const d = new AnalogTemperatureDriver({ id: 'room', type: 'lm35', pin: 'A0' });
    d.attach(board);
    board.emitAnalog(0, counts(0.2));
    expect((await d.read())[0]?.value).toBeCloseTo(20, 0);
  });

  it('gives no reading when the pin reported nothing', async () => {
    const d = new AnalogTemperatureDriver({ id: 'room', type: 'tmp36', pin: 'A0' });
    d.attach(new FakeBoard());
    expect(await d.read()).toEqual([]);
  });
});

describe('LDR light level', () => {
  it('is the share of the ADC range in %', async () => {
    const board = new FakeBoard();
    const d = new LdrDriver({ id: 'light', pin: 'A1' });
    d.attach(board);
    board.emitAnalog(1, 1023);
    board.emitAnalog(1, 0);
    expect(await d.read()).toEqual([{ sensor: 'light', quantity: 'light', unit: '%', value: 50 }]);
  });
});

describe('microphone sound level', () => {
  it('is the RMS of the samples in dB relative to one ADC step', async () => {
    const board = new FakeBoard();
    const d = new MicrophoneDriver({ id: 'noise', pin: 'A3' });
    d.attach(board);
    // a square wave of ±100 counts around the bias: RMS 100, so 40 dB
    for (let i = 0; i < 50; i++) board.emitAnalog(3, 512 + (i % 2 ? 100 : -100));
    const [r] = await d.read();
    expect(r).toMatchObject({ quantity: 'sound', unit: 'dB' });
    expect(r?.value).toBeCloseTo(40, 1);
  });

  it('reads 0 dB in silence', async () => {
    const board = new FakeBoard();
    const d = new MicrophoneDriver({ id: 'noise', pin: 'A3' });
    d.attach(board);
    for (let i = 0; i < 10; i++) board.emitAnalog(3, 512);
    expect((await d.read())[0]?.value).toBe(0);
  });
});
