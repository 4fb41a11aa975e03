import { describe, expect, it } from 'vitest';
import { encodePulseReport, PULSE_CONFIG, SYSEX_PULSE_COUNTER } from '../extensions.ts';
import { FakeBoard } from './fake-board.ts';
import { MeterPulsesDriver } from './meter-pulses.ts';

function setup(impPerKwh = 1000) {
  const board = new FakeBoard();
  const d = new MeterPulsesDriver({ id: 'meter', pin: 'D3', impPerKwh, debounceMs: 5 });
  d.attach(board);
  const report = (count: number, lastPulseMs: number, nowMs: number, channel = 1) =>
    board.emitSysex(encodePulseReport({ channel, count, rejected: 0, lastPulseMs, nowMs }));
  return { board, d, report };
}

describe('meter pulse driver', () => {
  it('configures the pulse counter on INT1 for D3 with the debounce width in µs', () => {
    const { board } = setup();
    expect(board.sent[0]?.slice(0, 4)).toEqual([SYSEX_PULSE_COUNTER, PULSE_CONFIG, 1, 0x01]);
    expect(board.sent[0]?.slice(4)).toEqual([0x08, 0x27, 0, 0, 0]); // 5000 = 0x1388
  });

  it('turns pulses into a running Wh total at 1000 imp/kWh, starting from the board count', async () => {
    const { d, report } = setup();
    // a board that kept its count while the agent was away: its total goes on, no false reset
    report(10, 1000, 1000);
    expect(await d.read()).toEqual([{ sensor: 'meter-energy', quantity: 'energy', unit: 'Wh', value: 10 }]);
    report(25, 5000, 5000);
    const [energy] = await d.read();
    expect(energy?.value).toBe(25);
  });

  it('computes W from the time between pulses on the board clock', async () => {
    const { d, report } = setup();
    report(0, 1000, 1000);
    await d.read();
    report(1, 2000, 2500);
    await d.read();
    // 2 pulses of 1 Wh in 3.6 s → 2000 W
    report(3, 5600, 6000);
    const [, power] = await d.read();
    expect(power).toEqual({ sensor: 'meter-power', quantity: 'power', unit: 'W', value: 2000 });
  });

  it('lets the power decay when pulses stop instead of holding the last value', async () => {
    const { d, report } = setup();
    report(0, 1000, 1000);
    await d.read();
    report(1, 2000, 2000);
    await d.read();
    report(2, 3000, 3000);
    expect((await d.read())[1]?.value).toBe(3600);
    report(2, 3000, 39_000); // 36 s without a pulse: at most 1 Wh in 36 s = 100 W
    expect((await d.read())[1]?.value).toBe(100);
  });

  it('respects imp/kWh and ignores the other channel', async () => {
    const { d, report } = setup(800);
    report(0, 0, 0);
    await d.read();
    report(99, 100, 100, 0);
    report(8, 100, 100);
    expect((await d.read())[0]?.value).toBe(10);
  });

  it('counts everything after a board reset as new pulses', async () => {
    const { d, report } = setup();
    report(500, 100, 100);
    await d.read();
    report(3, 10, 20);
    expect((await d.read())[0]?.value).toBe(503);
  });
});
