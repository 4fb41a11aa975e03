import { describe, expect, it } from 'vitest';
import { encodePulseConfig, encodePulseQuery } from '../sysex-codec.ts';
import { useSimulatedFirmware } from './firmata-host.ts';

const IMP_PER_KWH = 1000;

/** Pulse period for a given load on a meter with IMP_PER_KWH impulses per kWh. */
function periodMs(watts: number): number {
  return 3_600_000 / (watts * (IMP_PER_KWH / 1000));
}

describe('pulse counter extension (sysex 0x01) on INT0/INT1', () => {
  const setup = useSimulatedFirmware();

  it('counts pulses at 1000 imp/kWh exactly, then a burst faster than the report interval', async () => {
    const { io, log, board } = await setup();
    io.sysexCommand(
      encodePulseConfig({ channel: 0, enabled: true, activeLow: false, pullUp: false, minWidthUs: 5000 }),
    );
    await board.advance(5);
    // 18 kW: one 1 Wh pulse every 200 ms, 30 ms wide (the S0 minimum, DIN 43864).
    const period = periodMs(18_000);
    let end = board.pulseTrain(2, { startMs: board.timeMs + 10, count: 10, periodMs: period, widthMs: 30 });
    await board.advance(end - board.timeMs + 40);
    const steady = log.lastPulse(0);
    expect(steady?.count).toBe(10);
    expect(steady?.rejected).toBe(0);
    // The host derives power from the pulse times the board reports.
    const withPulse = log.pulses.filter((p) => p.count > 0);
    const first = withPulse[0];
    const last = withPulse.at(-1);
    if (!first || !last) throw new Error('no report with pulses');
    const watts = ((last.count - first.count) * 3_600_000) / (last.lastPulseMs - first.lastPulseMs);
    expect(Math.abs(watts - 18_000) / 18_000).toBeLessThan(0.01);

    // Burst: 40 pulses of 2 ms every 4 ms while the board reports only every 100 ms.
    io.setSamplingInterval(100);
    await board.advance(5);
    io.sysexCommand(
      encodePulseConfig({ channel: 0, enabled: true, activeLow: false, pullUp: false, minWidthUs: 1000 }),
    );
    await board.advance(5);
    const before = log.pulses.length;
    end = board.pulseTrain(2, { startMs: board.timeMs + 3, count: 40, periodMs: 4, widthMs: 2 });
    await board.advance(end - board.timeMs + 120);
    const burstReports = log.pulses.slice(before).filter((p) => p.channel === 0);
    expect(log.lastPulse(0)?.count).toBe(50);
    // Several pulses per report, none lost between them.
    const steps = burstReports.map((r, i) => r.count - (burstReports[i - 1]?.count ?? 10));
    expect(Math.max(...steps)).toBeGreaterThan(1);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('ignores pulses shorter than the debounce width and counts a bouncy pulse once', async () => {
    const { io, log, board } = await setup();
    io.sysexCommand(
      encodePulseConfig({ channel: 1, enabled: true, activeLow: true, pullUp: true, minWidthUs: 5000 }),
    );
    await board.advance(5);
    board.setDigitalInput(3, true); // idle level of an active-low S0 output
    const t0 = board.timeMs + 5;
    // 20 glitches of 1 ms: noise on the line.
    board.pulseTrain(3, { startMs: t0, count: 20, periodMs: 5, widthMs: 1, activeLow: true });
    // One real 40 ms pulse whose contact bounces 3 times at the leading edge.
    const t1 = t0 + 120;
    board.pulseTrain(3, { startMs: t1, count: 3, periodMs: 0.5, widthMs: 0.2, activeLow: true });
    board.pulseTrain(3, { startMs: t1 + 1.5, count: 1, periodMs: 1, widthMs: 40, activeLow: true });
    await board.advance(t1 + 80 - board.timeMs);
    io.sysexCommand(encodePulseQuery(1));
    await board.advance(10);
    const last = log.lastPulse(1);
    expect(last?.count).toBe(1);
    expect(last?.rejected).toBe(23);
  });
});
