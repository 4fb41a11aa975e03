import {
  CLAMP_CALIBRATE,
  CLAMP_CONFIG,
  CLAMP_NO_VOLTAGE,
  CLAMP_QUERY,
  decodeF32,
  decodeU32,
  encodeClampReport,
  encodePulseReport,
  PULSE_CONFIG,
  PULSE_FLAG,
  PULSE_QUERY,
  PULSE_RESET,
} from '../agent/extensions.ts';
import { BOARD_VREF, MAINS_VOLTS, POWER_FACTOR } from './environment.ts';
import type { HouseholdLoad } from './models/household-load.ts';
import { HOUR } from './models/random.ts';

/** Returned replies are sysex data without the command byte. */
type Replies = number[][];
const strip = (m: number[]) => m.slice(1);

interface Channel {
  enabled: boolean;
  count: number;
  rejected: number;
  lastPulseMs: number;
}

/** The meter's energy is integrated over fixed cells of simulated time, aligned on the epoch. */
const CELL_MS = 15_000;

/**
 * What a virtual meter board keeps, to be carried over to the next board object: the wired
 * channel's count, the meter's blinks so far, and its energy over whole cells up to `at`
 * (simulated ms). Integrating again from `at` gives, bit for bit, what the board would have
 * counted by any later time, so a count restored from an older state never runs behind one
 * already reported.
 */
export interface MeterState {
  count: number;
  blinks: number;
  energyWh: number;
  at: number;
}

/**
 * The pulse-counter extension of firmware/mcu/src/pulse.c on a virtual board: the meter's LED blinks
 * once per 1/impPerKwh kWh of the household's modelled load; pulses are counted only while the
 * channel is enabled, as on the chip, and reported each tick (the firmware reports on change and
 * at least once a second). Given a `meter` state, the board is one that kept its count (and kept
 * counting) while no agent was talking to it.
 */
export class VirtualPulseCounter {
  private readonly ch: Channel[] = [0, 1].map(() => ({
    enabled: false,
    count: 0,
    rejected: 0,
    lastPulseMs: 0,
  }));
  /** energy of the whole cells up to `cellAt` */
  private energyWh = 0;
  private cellAt: number;
  private blinks = 0;

  constructor(
    private readonly o: {
      load: HouseholdLoad;
      impPerKwh: number;
      /** which channel the meter's sensor is wired to; -1 for none */
      wiredChannel: number;
      simNow: () => number;
      boardMs: () => number;
      meter?: MeterState;
    },
  ) {
    this.cellAt = Math.floor(o.simNow() / CELL_MS) * CELL_MS;
    const c = this.ch[o.wiredChannel];
    if (o.meter && c) {
      this.energyWh = o.meter.energyWh;
      this.cellAt = o.meter.at;
      this.blinks = o.meter.blinks;
      Object.assign(c, { enabled: true, count: o.meter.count });
      this.advance();
      // the board's clock restarted with this object: no pulse time to report yet
      c.lastPulseMs = 0;
    } else {
      // a fresh meter reader sees only what its LED blinks from now on
      this.blinks = Math.floor(this.energyAt(o.simNow()).wh / this.whPerPulse);
    }
  }

  /** the state to hand to the next board, or undefined when no meter is wired */
  state(): MeterState | undefined {
    const c = this.ch[this.o.wiredChannel];
    if (!c) return undefined;
    this.advance();
    return { count: c.count, blinks: this.blinks, energyWh: this.energyWh, at: this.cellAt };
  }

  private get whPerPulse(): number {
    return 1000 / this.o.impPerKwh;
  }

  reset(): void {
    for (const c of this.ch) Object.assign(c, { enabled: false, count: 0, rejected: 0, lastPulseMs: 0 });
  }

  command(data: readonly number[]): Replies {
    const [sub, channel = 0xff] = data;
    const c = this.ch[channel];
    if (!c) return [];
    // bring the count up to now first: pulses before enabling are lost, a query sees the latest
    this.advance();
    if (sub === PULSE_CONFIG) {
      c.enabled = ((data[2] ?? 0) & PULSE_FLAG.enable) !== 0;
      decodeU32(data, 3); // the debounce width: the virtual LED has clean edges
    } else if (sub === PULSE_QUERY) {
      return [this.report(channel)];
    } else if (sub === PULSE_RESET) {
      c.count = 0;
      c.rejected = 0;
    }
    return [];
  }

  poll(): Replies {
    this.advance();
    const out: Replies = [];
    for (const [i, c] of this.ch.entries()) if (c.enabled) out.push(this.report(i));
    return out;
  }

  /**
   * The meter's energy at simulated time t: whole cells are added to `energyWh` for good (always
   * in the same order from the same state), the current cell counts in proportion at that cell's
   * power, so the energy never decreases. Returns the linear pieces it crossed, newest last.
   */
  private energyAt(t: number): { wh: number; pieces: Array<[number, number, number, number]> } {
    const pieces: Array<[number, number, number, number]> = [];
    while (this.cellAt + CELL_MS <= t) {
      const e0 = this.energyWh;
      this.energyWh += (this.o.load.powerAt(this.cellAt + CELL_MS / 2) * CELL_MS) / HOUR;
      pieces.push([this.cellAt, e0, this.cellAt + CELL_MS, this.energyWh]);
      this.cellAt += CELL_MS;
    }
    const w = this.o.load.powerAt(this.cellAt + CELL_MS / 2);
    const wh = this.energyWh + (w * Math.max(0, t - this.cellAt)) / HOUR;
    pieces.push([this.cellAt, this.energyWh, t, wh]);
    return { wh, pieces };
  }

  private advance(): void {
    const t = this.o.simNow();
    const { wh, pieces } = this.energyAt(t);
    const total = Math.floor(wh / this.whPerPulse);
    const fresh = total - this.blinks;
    if (fresh <= 0) return;
    this.blinks = total;
    const c = this.ch[this.o.wiredChannel];
    if (!c?.enabled) return;
    c.count = (c.count + fresh) >>> 0;
    // when the last blink happened: where the energy crossed its pulse, within the piece crossing it
    const target = total * this.whPerPulse;
    const piece = pieces.findLast(([, e0, , e1]) => e0 < target && target <= e1);
    if (!piece) return;
    const [t0, e0, t1, e1] = piece;
    const crossAt = t0 + ((target - e0) / (e1 - e0)) * (t1 - t0);
    c.lastPulseMs = Math.max(0, this.o.boardMs() - Math.round(t - crossAt)) >>> 0;
  }

  private report(channel: number): number[] {
    const c = this.ch[channel] ?? { count: 0, rejected: 0, lastPulseMs: 0 };
    return strip(encodePulseReport({ channel, ...c, nowMs: this.o.boardMs() }));
  }
}

/**
 * The clamp-RMS extension of firmware/mcu/src/clamp.c: one report per window of `cycles` mains
 * cycles. The current is the modelled load over mains voltage and power factor; the reported Irms
 * goes through the host's calibration the way the chip's arithmetic does, so a wrong A/V factor
 * gives a wrong current, as on real hardware.
 */
export class VirtualClamp {
  private enabled = false;
  private hasVoltage = false;
  private windowMs = 2000;
  private currentCal = 1;
  private vref = BOARD_VREF;
  private lastT: number;

  constructor(
    private readonly o: {
      load: Pick<HouseholdLoad, 'powerAt' | 'meanPower'>;
      ampsPerVolt: number;
      simNow: () => number;
    },
  ) {
    this.lastT = o.simNow();
  }

  reset(): void {
    this.enabled = false;
    this.currentCal = 1;
    this.vref = BOARD_VREF;
  }

  command(data: readonly number[]): Replies {
    const sub = data[0];
    if (sub === CLAMP_CONFIG && data.length >= 6) {
      const hz = data[3] ?? 50;
      const cycles = data[4] ?? 10;
      if ((hz !== 50 && hz !== 60) || cycles < 1 || cycles > 100) return [];
      this.hasVoltage = data[2] !== CLAMP_NO_VOLTAGE;
      this.windowMs = (cycles / hz) * 1000;
      this.enabled = ((data[5] ?? 0) & 1) === 1;
      this.lastT = this.o.simNow();
    } else if (sub === CLAMP_CALIBRATE && data.length >= 16) {
      this.currentCal = decodeF32(data, 1);
      this.vref = decodeF32(data, 11);
    } else if (sub === CLAMP_QUERY) {
      return [this.report(this.o.load.powerAt(this.o.simNow()))];
    }
    return [];
  }

  poll(): Replies {
    const t = this.o.simNow();
    if (!this.enabled || t - this.lastT < this.windowMs) return [];
    const watts = this.o.load.meanPower(this.lastT, t);
    this.lastT = t;
    return [this.report(watts)];
  }

  private report(watts: number): number[] {
    // the chip computes amps = rms counts × vref/1024 × currentCal; the pin sees amps / (A/V of the CT)
    const scale = (this.currentCal / this.o.ampsPerVolt) * (this.vref / BOARD_VREF);
    const amps = (watts / (MAINS_VOLTS * POWER_FACTOR)) * scale;
    return strip(
      encodeClampReport({
        hasVoltage: this.hasVoltage,
        samples: Math.round((this.windowMs / 1000) * 50 * 40),
        irms: amps,
        vrms: this.hasVoltage ? MAINS_VOLTS : 0,
        realPowerW: this.hasVoltage ? watts * scale : 0,
      }),
    );
  }
}
