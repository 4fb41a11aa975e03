import type { SensorDescription } from '../../../protocol/index.ts';
import type { BoardPort } from '../board-port.ts';
import {
  decodePulseReport,
  encodePulseConfig,
  type PulseReport,
  pulseChannel,
  SYSEX_PULSE_COUNTER,
} from '../extensions.ts';
import type { Driver, DriverReading } from './driver.ts';
import { round } from './round.ts';

export interface MeterPulsesOptions {
  id: string;
  pin: 'D2' | 'D3';
  impPerKwh: number;
  debounceMs: number;
  label?: string;
}

/**
 * An electricity meter's LED read by a photodiode on an interrupt pin; the firmware counts the
 * pulses (pulse counter sysex). Energy is a running total in Wh (the hub stores deltas and detects
 * resets): it starts from the board's own count, so a board that kept its count while the agent
 * restarted continues its total, and one that lost it (power cut, the reset an Uno does when its
 * port opens) restarts from zero, which is the truth the hub records. A board replaced or reset
 * while the agent runs is added to the total, since the agent saw both sides. Power comes from the time between pulses on the board's own
 * clock, which is exact even when reports are late: between two reads with new pulses,
 * P = Δpulses × Wh/imp × 3600 / Δt(last pulses). Without a new pulse the power can be at most one
 * pulse's worth over the time since the last one, so it decays instead of holding a stale value.
 */
export class MeterPulsesDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  readonly communsExtension: { id: string; what: string };
  private readonly channel: 0 | 1;
  private readonly whPerPulse: number;
  private unsubscribe: (() => void) | undefined;
  private latest: PulseReport | undefined;
  private previous: PulseReport | undefined;
  private totalWh: number | undefined;
  private powerW: number | undefined;

  constructor(private readonly opts: MeterPulsesOptions) {
    this.channel = pulseChannel(opts.pin);
    this.whPerPulse = 1000 / opts.impPerKwh;
    this.communsExtension = { id: opts.id, what: 'meter pulses' };
    this.sensors = [
      { id: `${opts.id}-energy`, quantity: 'energy', unit: 'Wh', label: opts.label },
      { id: `${opts.id}-power`, quantity: 'power', unit: 'W', label: opts.label },
    ];
  }

  attach(board: BoardPort): void {
    this.unsubscribe?.();
    this.unsubscribe = board.onSysex(SYSEX_PULSE_COUNTER, (data) => {
      const report = decodePulseReport(data);
      if (report && report.channel === this.channel) this.latest = report;
    });
    // the LED module pulls low when lit on most boards; a photodiode module drives high: pulses
    // are counted on their release either way, so active-high with no pull-up is the common case
    board.sysexCommand(
      encodePulseConfig({
        channel: this.channel,
        enabled: true,
        activeLow: false,
        pullUp: false,
        minWidthUs: Math.round(this.opts.debounceMs * 1000),
      }),
    );
    // a new board (or a replugged one) starts counting from zero: forget the old counter
    this.previous = undefined;
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.latest = undefined;
  }

  async read(): Promise<DriverReading[]> {
    const now = this.latest;
    if (!now) return [];
    const before = this.previous;
    this.previous = now;
    if (!before) {
      // the first report after (re)connecting only sets the baseline; the very first one, the total
      this.totalWh ??= now.count * this.whPerPulse;
      return this.readings();
    }
    // a board that reset in between reports a smaller count: all of it is new
    const pulses = now.count >= before.count ? now.count - before.count : now.count;
    this.totalWh = (this.totalWh ?? 0) + pulses * this.whPerPulse;
    const msPerHour = 3_600_000;
    if (pulses > 0 && now.lastPulseMs !== before.lastPulseMs && before.lastPulseMs !== 0) {
      const dt = (now.lastPulseMs - before.lastPulseMs) >>> 0;
      this.powerW = (pulses * this.whPerPulse * msPerHour) / dt;
    } else if (pulses === 0 && this.powerW !== undefined) {
      const since = (now.nowMs - now.lastPulseMs) >>> 0;
      if (since > 0) this.powerW = Math.min(this.powerW, (this.whPerPulse * msPerHour) / since);
    }
    return this.readings();
  }

  private readings(): DriverReading[] {
    const [energy, power] = this.sensors;
    const out: DriverReading[] = [
      { sensor: energy?.id ?? '', quantity: 'energy', unit: 'Wh', value: round(this.totalWh ?? 0, 3) },
    ];
    if (this.powerW !== undefined) {
      out.push({ sensor: power?.id ?? '', quantity: 'power', unit: 'W', value: round(this.powerW, 1) });
    }
    return out;
  }
}
