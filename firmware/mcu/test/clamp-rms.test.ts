import { describe, expect, it } from 'vitest';
import { encodeClampCalibration, encodeClampConfig } from '../sysex-codec.ts';
import { useSimulatedFirmware } from './firmata-host.ts';

const BIAS = 2.5; // volts: the burden circuit's mid-rail bias the firmware must remove

function sine(amplitude: number, hz: number, phase = 0.3): (t: number) => number {
  return (t) => BIAS + amplitude * Math.sin(2 * Math.PI * hz * t + phase);
}

describe('clamp RMS extension (sysex 0x02)', () => {
  const setup = useSimulatedFirmware();

  it('a 50 Hz sine on A0 gives Irms within 1 % over whole 10-cycle windows, DC bias removed', async () => {
    const { io, log, board } = await setup();
    board.setAnalogWaveform(0, sine(1.0, 50));
    io.sysexCommand(encodeClampCalibration({ currentPerVolt: 30, voltagePerVolt: 1, referenceVolts: 5 }));
    io.sysexCommand(encodeClampConfig({ currentChannel: 0, mainsHz: 50, cycles: 10, enabled: true }));
    expect(await board.runUntil(() => log.clamps.length >= 3, 1000)).toBe(true);
    const expected = (1.0 / Math.SQRT2) * 30; // 21.2 A
    for (const r of log.clamps) {
      expect(r.samples).toBe(400); // 40 samples per cycle: 2 kHz
      expect(r.hasVoltage).toBe(false);
      expect(Math.abs(r.irms - expected) / expected).toBeLessThan(0.01);
    }
  });

  it('at 60 Hz with a voltage pin, reports Vrms and real power of a resistive load within 1 %', async () => {
    const { io, log, board } = await setup();
    board.setAnalogWaveform(0, sine(0.5, 60));
    board.setAnalogWaveform(1, sine(1.2, 60));
    const voltagePerVolt = 120 / (1.2 / Math.SQRT2); // 120 V mains
    io.sysexCommand(encodeClampCalibration({ currentPerVolt: 20, voltagePerVolt, referenceVolts: 5 }));
    io.sysexCommand(
      encodeClampConfig({ currentChannel: 0, voltageChannel: 1, mainsHz: 60, cycles: 6, enabled: true }),
    );
    expect(await board.runUntil(() => log.clamps.length >= 2, 600)).toBe(true);
    const irms = (0.5 / Math.SQRT2) * 20;
    for (const r of log.clamps) {
      expect(r.samples).toBe(240);
      expect(r.hasVoltage).toBe(true);
      expect(Math.abs(r.irms - irms) / irms).toBeLessThan(0.01);
      expect(Math.abs(r.vrms - 120) / 120).toBeLessThan(0.01);
      expect(Math.abs(r.realPowerW - 120 * irms) / (120 * irms)).toBeLessThan(0.01);
    }
  });

  it('answers a query with the last result, and a bad config with a readable message', async () => {
    const { io, log, board } = await setup();
    io.sysexCommand(encodeClampConfig({ currentChannel: 0, mainsHz: 50, cycles: 0, enabled: true }));
    io.sysexCommand([0x02, 0x02]);
    expect(await board.runUntil(() => log.clamps.length >= 1 && log.strings.length >= 1, 100)).toBe(true);
    expect(log.strings[0]).toMatch(/^clamp: bad config/);
    expect(log.clamps[0]?.irms).toBe(0);
  });
});
