import type {
  CostBucket,
  CostFigures,
  OffPeakWindow,
  Tariff,
  TempoColour,
} from '../../../protocol/tariff.ts';
import type { LocalClock, LocalTime } from './local-time.ts';

/**
 * The cost of energy, hour by hour, under the tariffs the admin set (docs/MONEY.md says how, with a
 * worked example). Pure functions: the HTTP route, and later the monthly report and the collective
 * challenges, hand in hourly energy and the tariff book, and get money and CO2 back.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY_MINUTES = 24 * 60;

/** Tempo's off-peak hours (fixed by the contract), and the hour its day changes colour. */
export const TEMPO_OFF_PEAK: readonly OffPeakWindow[] = [{ from: '22:00', to: '06:00' }];
export const TEMPO_DAY_STARTS_AT = 6 * 60;

/** What the price of an hour depends on besides its energy. */
export interface TariffBook {
  /** sorted by `from`, at least one; the first also applies before its date (older prices are unknown) */
  tariffs: readonly Tariff[];
  /** the clock of the tariffs' dates and hours (the hub's time zone) */
  clock: LocalClock;
  /** the colour of a Tempo day (06:00 that day to 06:00 the next), when known */
  tempoColour: (day: string) => TempoColour | undefined;
}

export interface CostOptions {
  /** how many homes' daily charges are counted (1 for one home, the households of a collective figure) */
  homes: number;
  /** grams of CO2 per kWh */
  gco2PerKwh: number;
  /** no daily charge is counted after this instant: the hour under way counts up to now */
  until: number;
}

export interface PricedHour {
  /** the hour's start (UTC, on the hour) */
  t: number;
  wh: number;
  energyCost: number;
  standingCost: number;
  co2g: number;
}

export interface PricedHours {
  hours: PricedHour[];
  /** Tempo days whose colour was needed and unknown: priced as blue, the most common colour */
  assumedBlueDays: string[];
}

/**
 * Prices hourly energy (`t` on the hour, `wh` used in that hour). An hour that straddles a change of
 * price (an off-peak window starting at :30, a tariff date, a Tempo day at 06:00) is split in
 * proportion to its minutes, as if the hour's energy was used evenly. The daily charge of a local
 * day is spread over its hours (23 or 25 on a daylight-saving change) and counted for hours that
 * have data, up to `until`.
 */
export function priceHours(
  t: readonly number[],
  wh: readonly number[],
  book: TariffBook,
  opts: CostOptions,
): PricedHours {
  const tariffOn = memo((date: string) => tariffOnDate(book.tariffs, date));
  const dayLength = memo((date: string) => book.clock.dayLength(date));
  const assumed = new Set<string>();
  const compiled = new Map<Tariff, Window[]>();
  const hours: PricedHour[] = [];
  for (let i = 0; i < t.length; i++) {
    const start = t[i] ?? 0;
    const energy = wh[i] ?? 0;
    const end = start + HOUR;
    let energyCost = 0;
    let standingCost = 0;
    for (let a = start; a < end; ) {
      const local = book.clock.local(a);
      const tariff = tariffOn(local.date);
      const windows = windowsOf(tariff, compiled);
      const next = nextCut(tariff, windows, local.month, local.minute);
      const b = Math.min(end, a + (next - local.minute) * MINUTE);
      energyCost += ((energy * ((b - a) / HOUR)) / 1000) * priceAt(tariff, windows, local, book, assumed);
      const paid = Math.max(0, Math.min(b, opts.until) - a);
      standingCost += (tariff.dailyCharge * opts.homes * paid) / dayLength(local.date);
      a = b;
    }
    hours.push({ t: start, wh: energy, energyCost, standingCost, co2g: (energy / 1000) * opts.gco2PerKwh });
  }
  return { hours, assumedBlueDays: [...assumed].sort() };
}

/** The totals of priced hours. */
export function sumPriced(hours: readonly PricedHour[]): CostFigures {
  const total: CostFigures = { wh: 0, energyCost: 0, standingCost: 0, cost: 0, co2g: 0, hours: hours.length };
  for (const h of hours) {
    total.wh += h.wh;
    total.energyCost += h.energyCost;
    total.standingCost += h.standingCost;
    total.co2g += h.co2g;
  }
  total.cost = total.energyCost + total.standingCost;
  return total;
}

export interface CostBuckets {
  t: number[];
  wh: number[];
  cost: number[];
  co2g: number[];
}

/**
 * Priced hours grouped by hour, local day or local month of `clock` (whose time zone may differ
 * from the tariffs': a browser's). Each hour goes to the bucket its start falls in; buckets without
 * data are left out.
 */
export function groupPriced(
  hours: readonly PricedHour[],
  bucket: CostBucket,
  clock: LocalClock,
): CostBuckets {
  const out: CostBuckets = { t: [], wh: [], cost: [], co2g: [] };
  if (bucket === 'none') return out;
  const startOf = memo((date: string) => clock.startOfDay(date));
  for (const h of hours) {
    let key = h.t;
    if (bucket !== 'hour') {
      const date = clock.local(h.t).date;
      key = startOf(bucket === 'day' ? date : `${date.slice(0, 8)}01`);
    }
    const last = out.t.length - 1;
    if (out.t[last] === key) {
      out.wh[last] = (out.wh[last] ?? 0) + h.wh;
      out.cost[last] = (out.cost[last] ?? 0) + h.energyCost + h.standingCost;
      out.co2g[last] = (out.co2g[last] ?? 0) + h.co2g;
    } else {
      out.t.push(key);
      out.wh.push(h.wh);
      out.cost.push(h.energyCost + h.standingCost);
      out.co2g.push(h.co2g);
    }
  }
  return out;
}

/**
 * The mean price per kWh of a load that never changes (a hub, a fridge): single rate as it is,
 * peak/off-peak weighted by their hours (months weighted alike), Tempo weighted by its hours and by
 * the contract's year of 300 blue, 43 white and 22 red days.
 */
export function constantLoadPrice(tariff: Tariff): number {
  switch (tariff.model) {
    case 'single':
      return tariff.perKwh;
    case 'peak-offpeak': {
      let off = 0;
      for (let month = 1; month <= 12; month++) off += offPeakMinutes(tariff.offPeakHours, month) / 12;
      return (off * tariff.offPeak + (DAY_MINUTES - off) * tariff.peak) / DAY_MINUTES;
    }
    case 'tempo': {
      const day = (c: TempoColour) => (8 * tariff.prices[c].offPeak + 16 * tariff.prices[c].peak) / 24;
      return (300 * day('blue') + 43 * day('white') + 22 * day('red')) / 365;
    }
  }
}

/** The tariff in force on a local date: the latest starting on or before it, else the first. */
export function tariffOnDate(tariffs: readonly Tariff[], date: string): Tariff {
  for (let i = tariffs.length - 1; i >= 0; i--) {
    const t = tariffs[i];
    if (t && t.from <= date) return t;
  }
  const first = tariffs[0];
  if (!first) throw new Error('no tariff');
  return first;
}

/** True when `minute` of a day in `month` lies in one of the off-peak windows. */
export function isOffPeak(windows: readonly OffPeakWindow[], month: number, minute: number): boolean {
  return inWindows(compile(windows), month, minute);
}

/** Off-peak windows in minutes of the day, read once per computation rather than once per hour. */
interface Window {
  from: number;
  to: number;
  months: readonly [number, number] | undefined;
}

const TEMPO_WINDOWS = compile(TEMPO_OFF_PEAK);

function compile(windows: readonly OffPeakWindow[]): Window[] {
  return windows.map((w) => ({ from: minuteOf(w.from), to: minuteOf(w.to), months: w.months }));
}

function windowsOf(tariff: Tariff, compiled: Map<Tariff, Window[]>): Window[] {
  if (tariff.model === 'tempo') return TEMPO_WINDOWS;
  if (tariff.model === 'single') return [];
  let w = compiled.get(tariff);
  if (!w) {
    w = compile(tariff.offPeakHours);
    compiled.set(tariff, w);
  }
  return w;
}

function inWindows(windows: readonly Window[], month: number, minute: number): boolean {
  for (const w of windows) {
    if (!inMonths(w, month)) continue;
    const { from, to } = w;
    if (from < to ? minute >= from && minute < to : from > to && (minute >= from || minute < to)) return true;
  }
  return false;
}

function priceAt(
  tariff: Tariff,
  windows: readonly Window[],
  local: LocalTime,
  book: TariffBook,
  assumed: Set<string>,
): number {
  switch (tariff.model) {
    case 'single':
      return tariff.perKwh;
    case 'peak-offpeak':
      return inWindows(windows, local.month, local.minute) ? tariff.offPeak : tariff.peak;
    case 'tempo': {
      const day = local.minute < TEMPO_DAY_STARTS_AT ? book.clock.dateOf(local.day - 1).date : local.date;
      let colour = book.tempoColour(day);
      if (colour === undefined) {
        assumed.add(day);
        colour = 'blue';
      }
      const off = inWindows(windows, local.month, local.minute);
      return off ? tariff.prices[colour].offPeak : tariff.prices[colour].peak;
    }
  }
}

/** The next minute of the day (after `minute`, up to midnight = 1440) at which the price may change. */
function nextCut(tariff: Tariff, windows: readonly Window[], month: number, minute: number): number {
  let next = DAY_MINUTES;
  for (const w of windows) {
    if (!inMonths(w, month)) continue;
    if (w.from > minute && w.from < next) next = w.from;
    if (w.to > minute && w.to < next) next = w.to;
  }
  if (tariff.model === 'tempo' && TEMPO_DAY_STARTS_AT > minute && TEMPO_DAY_STARTS_AT < next)
    next = TEMPO_DAY_STARTS_AT;
  return next;
}

function offPeakMinutes(windows: readonly OffPeakWindow[], month: number): number {
  const compiled = compile(windows);
  let n = 0;
  for (let m = 0; m < DAY_MINUTES; m++) if (inWindows(compiled, month, m)) n++;
  return n;
}

function inMonths(w: { months?: readonly [number, number] | undefined }, month: number): boolean {
  if (!w.months) return true;
  const [a, b] = w.months;
  return a <= b ? month >= a && month <= b : month >= a || month <= b;
}

function minuteOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** A function's answers kept for the duration of one computation. */
function memo<T>(fn: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    let v = seen.get(key);
    if (v === undefined) {
      v = fn(key);
      seen.set(key, v);
    }
    return v;
  };
}
