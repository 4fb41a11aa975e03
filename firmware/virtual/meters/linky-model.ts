import type { TempoColour } from '../../../protocol/index.ts';
import type { TicMode } from '../../../protocol/interop/tic.ts';
import { HouseholdLoad, type HouseholdProfile } from '../models/household-load.ts';
import { bump, dayIndex, HOUR, hash, hourOfDay, smoothNoise, uniform, winterness } from '../models/random.ts';
import type { TicField } from './tic-compose.ts';
import { ticTimestamp } from './tic-compose.ts';

export type LinkyContract = 'base' | 'hc' | 'tempo';

/** What a virtual Linky keeps across restarts: its registers, Wh, and when they were last moved. */
export interface LinkyState {
  registers: number[];
  at: number;
}

export interface LinkyOptions {
  mode: TicMode;
  contract: LinkyContract;
  household: HouseholdProfile;
  subscribedKva: number;
  state?: LinkyState;
  /** a day (`dayIndex`) this meter announces red whatever the season says: the demo's red day */
  redDay?: number;
}

const POWER_FACTOR = 0.93;
/** registers of each contract, in the order the standard mode numbers the supplier's (EASFnn) */
const REGISTERS: Record<LinkyContract, string[]> = {
  base: ['BASE'],
  hc: ['HCHC', 'HCHP'],
  tempo: ['BBRHCJB', 'BBRHPJB', 'BBRHCJW', 'BBRHPJW', 'BBRHCJR', 'BBRHPJR'],
};
const COLOUR_LETTER: Record<TempoColour, string> = { blue: 'B', white: 'W', red: 'R' };
const DEMAIN: Record<TempoColour, string> = { blue: 'BLEU', white: 'BLAN', red: 'ROUG' };
const STGE_COLOUR: Record<TempoColour, number> = { blue: 1, white: 2, red: 3 };

/**
 * A Linky, simulated: the household model's load integrated into the registers of its contract
 * (off-peak 22:00-06:00; Tempo days from 06:00 to 06:00, coloured from the season, tomorrow's
 * colour known from 11:00), and the labels of a frame in historic or standard mode, as
 * Enedis-NOI-CPT_54E lists them. A pure function of time and its registers, so the demo's history
 * and its live frames come from the same meter.
 */
export class LinkyModel {
  readonly load: HouseholdLoad;
  private readonly registers: number[];
  private at: number | undefined;

  constructor(private readonly opts: LinkyOptions) {
    this.load = new HouseholdLoad(opts.household);
    const names = REGISTERS[opts.contract];
    // a meter already in service: a few MWh on its registers, the peak ones fuller
    this.registers =
      opts.state?.registers.slice(0, names.length) ??
      names.map((_, i) =>
        Math.round(uniform(1e6, 4e6, opts.household.seed, 90, i) / (1 + Math.floor(i / 2))),
      );
    this.at = opts.state?.at;
  }

  get contract(): LinkyContract {
    return this.opts.contract;
  }

  /** The historic-mode labels of its registers, in the order of `state().registers`. */
  registerLabels(): string[] {
    return [...REGISTERS[this.opts.contract]];
  }

  state(): LinkyState {
    return { registers: [...this.registers], at: this.at ?? 0 };
  }

  /**
   * Counts the energy used up to `t` into the register of the period at each step, the load sampled
   * once a step (the demo's history samples it once a minute, as for the other meters).
   */
  advanceTo(t: number, stepMs = 60_000): void {
    const from = this.at ?? t;
    for (let s = from; s < t; s += stepMs) {
      const e = Math.min(t, s + stepMs);
      const wh = (this.load.meanPower(s, e, e - s) * (e - s)) / HOUR;
      const i = this.period((s + e) / 2).index - 1;
      this.registers[i] = (this.registers[i] ?? 0) + wh;
    }
    this.at = Math.max(t, from);
  }

  /** The tariff period at t: which register counts (from 1), off-peak or not, the Tempo colours. */
  period(t: number): { index: number; offPeak: boolean; today?: TempoColour; tomorrow?: TempoColour } {
    const h = hourOfDay(t);
    const offPeak = this.opts.contract !== 'base' && (h >= 22 || h < 6);
    if (this.opts.contract === 'base') return { index: 1, offPeak: false };
    if (this.opts.contract === 'hc') return { index: offPeak ? 1 : 2, offPeak };
    // a Tempo day starts at 06:00: before, it is still yesterday's
    const day = dayIndex(t - 6 * HOUR);
    const colour = (d: number): TempoColour => (d === this.opts.redDay ? 'red' : tempoColour(d));
    const today = colour(day);
    const announced = h >= 11 || h < 6;
    const index = 1 + 2 * ['blue', 'white', 'red'].indexOf(today) + (offPeak ? 0 : 1);
    return { index, offPeak, today, ...(announced ? { tomorrow: colour(day + 1) } : {}) };
  }

  /** Apparent power, VA, current, A, and voltage at t; `watts`: the active power, if known already. */
  gauges(t: number, watts = this.load.powerAt(t)): { va: number; amps: number; volts: number } {
    const volts =
      230 + 2 * smoothNoise(t / (7 * 60_000), this.opts.household.seed, 91) + 1.5 * bump(hourOfDay(t), 4, 4);
    const va = watts / POWER_FACTOR;
    return { va, amps: va / volts, volts };
  }

  /**
   * The labels of the frame the meter sends at t (its registers as advanced so far); `watts`: the
   * active power behind the gauges, when the caller has it (the history's mean over its step).
   */
  fields(t: number, watts?: number): TicField[] {
    return this.opts.mode === 'historique' ? this.historic(t, watts) : this.standard(t, watts);
  }

  private historic(t: number, watts?: number): TicField[] {
    const p = this.period(t);
    const { va, amps } = this.gauges(t, watts);
    const names = REGISTERS[this.opts.contract];
    const option = { base: 'BASE', hc: 'HC..', tempo: 'BBR(' }[this.opts.contract];
    const ptec =
      this.opts.contract === 'base'
        ? 'TH..'
        : this.opts.contract === 'hc'
          ? p.offPeak
            ? 'HC..'
            : 'HP..'
          : `${p.offPeak ? 'HC' : 'HP'}J${COLOUR_LETTER[p.today ?? 'blue']}`;
    const fields: TicField[] = [
      ['ADCO', this.address()],
      ['OPTARIF', option],
      ['ISOUSC', pad(this.opts.subscribedKva * 5, 2)],
      ...names.map((n, i): TicField => [n, pad(this.registers[i] ?? 0, 9)]),
      ['PTEC', ptec],
    ];
    if (this.opts.contract === 'tempo') fields.push(['DEMAIN', p.tomorrow ? DEMAIN[p.tomorrow] : '----']);
    fields.push(
      ['IINST', pad(amps, 3)],
      ['IMAX', '090'],
      ['PAPP', pad(Math.round(va / 10) * 10, 5)],
      ['HHPHC', this.opts.contract === 'tempo' ? 'Y' : 'A'],
      ['MOTDETAT', '000000'],
    );
    return fields;
  }

  private standard(t: number, watts?: number): TicField[] {
    const p = this.period(t);
    const { va, amps, volts } = this.gauges(t, watts);
    const total = this.registers.reduce((a, b) => a + b, 0);
    const offPeakWh = this.registers.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
    const date = new Date(t);
    const summer = date.getTimezoneOffset() < new Date(date.getFullYear(), 0, 1).getTimezoneOffset();
    const ngtf = { base: 'BASE', hc: 'H PLEINE/CREUSE', tempo: 'TEMPO' }[this.opts.contract];
    const ltarf =
      this.opts.contract === 'base'
        ? 'BASE'
        : `${p.offPeak ? 'HC' : 'HP'}${p.today ? ` ${DEMAIN[p.today]}` : ''}`;
    // STGE (Enedis-NOI-CPT_54E): bit 17 standard mode, bits 10-13 the supplier's register from 0,
    // bits 24-25 and 26-27 Tempo today and tomorrow
    let stge = (1 << 17) | ((p.index - 1) << 10);
    if (p.today) stge |= STGE_COLOUR[p.today] << 24;
    if (p.tomorrow) stge |= STGE_COLOUR[p.tomorrow] << 26;
    return [
      ['ADSC', this.address()],
      ['VTIC', '02'],
      ['DATE', '', ticTimestamp(date, summer)],
      ['NGTF', ngtf.padEnd(16).slice(0, 16)],
      ['LTARF', ltarf.padEnd(16).slice(0, 16)],
      ['EAST', pad(total, 9)],
      ...Array.from(
        { length: 10 },
        (_, i): TicField => [`EASF${String(i + 1).padStart(2, '0')}`, pad(this.registers[i] ?? 0, 9)],
      ),
      // the distributor's calendar in this simulation: off-peak and peak hours, all year round
      ['EASD01', pad(offPeakWh, 9)],
      ['EASD02', pad(total - offPeakWh, 9)],
      ['EASD03', pad(0, 9)],
      ['EASD04', pad(0, 9)],
      ['IRMS1', pad(amps, 3)],
      ['URMS1', pad(volts, 3)],
      ['PREF', pad(this.opts.subscribedKva, 2)],
      ['PCOUP', pad(this.opts.subscribedKva, 2)],
      ['SINSTS', pad(va, 5)],
      ['NTARF', pad(p.index, 2)],
      ['STGE', (stge >>> 0).toString(16).toUpperCase().padStart(8, '0')],
    ];
  }

  /** A made-up meter address (12 digits): the reader never lets it leave the agent anyway. */
  private address(): string {
    return `0219${String(Math.floor(hash(this.opts.household.seed, 92) * 1e8)).padStart(8, '0')}`;
  }
}

/**
 * A Tempo day's colour in this simulation, the same for every meter as the real one is national:
 * red only on winter weekdays, white mostly in winter and never on Sundays, blue otherwise (EDF's
 * year has about 300 blue, 43 white and 22 red days).
 */
export function tempoColour(day: number): TempoColour {
  const w = winterness(day * 86_400_000);
  const dow = (day + 3) % 7; // Monday 0: 1970-01-01 was a Thursday
  const r = hash(2024, day, 93);
  if (dow < 5 && w > 0.8 && r < 0.35) return 'red';
  if (dow !== 6 && r < 0.3 * w) return 'white';
  return 'blue';
}

function pad(v: number, width: number): string {
  return String(Math.max(0, Math.floor(v)))
    .padStart(width, '0')
    .slice(-width);
}
