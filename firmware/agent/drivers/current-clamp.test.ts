import { describe, expect, it } from 'vitest';
import {
  CLAMP_CALIBRATE,
  CLAMP_CONFIG,
  CLAMP_NO_VOLTAGE,
  decodeF32,
  encodeClampReport,
  SYSEX_CLAMP_RMS,
} from '../extensions.ts';
import { CurrentClampDriver } from './current-clamp.ts';
import { FakeBoard } from './fake-board.ts';

function setup(voltagePin?: string, production = false) {
  let now = 0;
  const board = new FakeBoard();
  const d = new CurrentClampDriver(
    {
      id: 'clamp',
      pin: 'A1',
      ampsPerVolt: 30,
      mainsVolts: 230,
      mainsHz: 50,
      voltagePin,
      voltsPerVolt: 250,
      production,
    },
    () => now,
  );
  d.attach(board);
  const report = (irms: number, power = 0, vrms = 0) => {
    now += 2000;
    board.emitSysex(
      encodeClampReport({
        hasVoltage: voltagePin !== undefined,
        samples: 4000,
        irms,
        vrms,
        realPowerW: power,
      }),
    );
  };
  return { board, d, report };
}

describe('current clamp driver', () => {
  it('sends the calibration (A/V, V/V, ADC reference) then the channel config', () => {
    const { board } = setup();
    const [cal, config] = board.sent;
    expect(cal?.slice(0, 2)).toEqual([SYSEX_CLAMP_RMS, CLAMP_CALIBRATE]);
    expect(decodeF32(cal ?? [], 2)).toBe(30);
    expect(decodeF32(cal ?? [], 12)).toBe(5);
    expect(config).toEqual([SYSEX_CLAMP_RMS, CLAMP_CONFIG, 1, CLAMP_NO_VOLTAGE, 50, 100, 1]);
  });

  it('gives A, W from the nominal mains voltage, and a Wh total', async () => {
    const { d, report } = setup();
    for (let i = 0; i < 1801; i++) report(10); // one hour of 2 s windows at 10 A
    const readings = await d.read();
    expect(readings.map((r) => [r.sensor, r.unit])).toEqual([
      ['clamp-current', 'A'],
      ['clamp-power', 'W'],
      ['clamp-energy', 'Wh'],
    ]);
    expect(readings[0]?.value).toBe(10);
    expect(readings[1]?.value).toBe(2300);
    expect(readings[2]?.value).toBeCloseTo(2300, 0);
  });

  it('on an installation’s output: production power, and no energy counter consumption would count', async () => {
    const { d, report } = setup(undefined, true);
    expect(d.sensors.map((s) => [s.id, s.quantity])).toEqual([
      ['clamp-current', 'current'],
      ['clamp-power', 'power_produced'],
    ]);
    for (let i = 0; i < 10; i++) report(4);
    const readings = await d.read();
    expect(readings.map((r) => [r.sensor, r.quantity, r.value])).toEqual([
      ['clamp-current', 'current', 4],
      ['clamp-power', 'power_produced', 920],
    ]);
  });

  it('uses the real power the board measures when a voltage pin is wired', async () => {
    const { board, d, report } = setup('A2');
    expect(board.sent[1]?.[3]).toBe(2);
    report(10, 1500, 231);
    report(10, 1500, 231);
    expect((await d.read())[1]?.value).toBe(1500);
  });

  it('gives nothing before the first window', async () => {
    expect(await setup().d.read()).toEqual([]);
  });
});
