import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import type { BoardTransport } from '../../firmware/agent/board-transport.ts';
import { CurrentClampDriver } from '../../firmware/agent/drivers/current-clamp.ts';
import { MeterPulsesDriver } from '../../firmware/agent/drivers/meter-pulses.ts';
import { FirmataBoard } from '../../firmware/agent/firmata-board.ts';
import { AvrBoard } from '../../firmware/sim/avr-board.ts';

/** The simulated Uno's serial port as the agent's transport: connecting powers the board on. */
class AvrTransport extends EventEmitter implements BoardTransport {
  constructor(private readonly board: AvrBoard) {
    super();
    const port = board.transport;
    port.on('open', () => this.emit('open'));
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('close', () => this.emit('close'));
    port.on('error', (e: Error) => this.emit('error', e));
  }
  connect(): void {
    this.board.start();
  }
  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    return this.board.transport.write(Buffer.from(data), (err) => callback?.(err ?? null));
  }
  close(callback?: () => void): void {
    void this.board.stop().finally(() => callback?.());
  }
}

const avr = new AvrBoard({ realtime: false });
const board = new FirmataBoard({ transport: new AvrTransport(avr), readyTimeoutMs: 20_000 });

afterAll(async () => {
  await board.stop();
});

describe('node agent drivers on the real firmware image (avr8js)', () => {
  it('completes the johnny-five handshake with our firmware', async () => {
    await board.start();
    expect(board.firmwareName).toBe('communs-firmata');
  }, 60_000);

  it('reads meter pulses as Wh and W through the pulse-counter extension', async () => {
    const meter = new MeterPulsesDriver({ id: 'meter', pin: 'D2', impPerKwh: 1000, debounceMs: 5 });
    meter.attach(board);
    await avr.advance(1200);
    expect((await meter.read())[0]).toMatchObject({ sensor: 'meter-energy', value: 0 });
    // a steady 1 Wh every 100 ms, read twice while it runs: 36 kW between the two reads
    avr.pulseTrain(2, { startMs: avr.timeMs + 10, count: 40, periodMs: 100, widthMs: 30 });
    await avr.advance(1990);
    expect((await meter.read())[0]?.value).toBe(20);
    await avr.advance(2200);
    const [energy, power] = await meter.read();
    expect(energy?.value).toBe(40);
    expect(power?.value).toBeCloseTo(36_000, -2);
    // a glitch shorter than the debounce width is not a pulse
    avr.pulseTrain(2, { startMs: avr.timeMs + 10, count: 3, periodMs: 50, widthMs: 1 });
    await avr.advance(1200);
    expect((await meter.read())[0]?.value).toBe(40);
  }, 120_000);

  it('reads clamp current (A) and power (W) through the clamp-RMS extension', async () => {
    const clamp = new CurrentClampDriver({
      id: 'clamp',
      pin: 'A0',
      ampsPerVolt: 30,
      mainsVolts: 230,
      mainsHz: 50,
    });
    // 0.2 V peak around the 2.5 V bias: 0.1414 V RMS × 30 A/V = 4.243 A
    avr.setAnalogWaveform(0, (t) => 2.5 + 0.2 * Math.sin(2 * Math.PI * 50 * t));
    clamp.attach(board);
    await avr.advance(4500);
    const [amps, watts] = await clamp.read();
    expect(amps?.unit).toBe('A');
    expect(amps?.value).toBeGreaterThan(4.243 * 0.98);
    expect(amps?.value).toBeLessThan(4.243 * 1.02);
    expect(watts?.value).toBeCloseTo((amps?.value ?? 0) * 230, 0);
  }, 120_000);
});
