const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
const DAY = 86_400_000;

/** A local wall-clock reading of an instant. */
export interface LocalTime {
  /** `YYYY-MM-DD` */
  date: string;
  /** the local date as days since 1970-01-01 (the day before is `day - 1`) */
  day: number;
  /** minutes since local midnight, 0–1439 */
  minute: number;
  /** 1–12 */
  month: number;
}

/** True when `tz` is an IANA time zone this Node knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `date` moved by `days` calendar days: pure calendar arithmetic, no time zone involved. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/** The first day of `date`'s month moved by `months` months. */
export function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + months, 1)).toISOString().slice(0, 10);
}

/**
 * Wall-clock time in one time zone. Intl's formatToParts costs ~4.5 µs a call (a year of hours would
 * take 40 ms), so the offset is looked up once per UTC day and kept when the day has no transition;
 * only a transition day is looked at quarter by quarter. The lookups are kept by this instance.
 */
export class LocalClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly dayOffsets = new Map<number, number>();
  private readonly quarterOffsets = new Map<number, number>();
  private readonly dates = new Map<number, { date: string; month: number }>();

  constructor(opts: { timeZone: string }) {
    if (!isTimeZone(opts.timeZone)) throw new Error(`unknown time zone "${opts.timeZone}"`);
    this.timeZone = opts.timeZone;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: opts.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Milliseconds to add to a UTC instant to read the local wall clock. */
  offsetAt(utc: number): number {
    const day = Math.floor(utc / DAY) * DAY;
    let offset = this.dayOffsets.get(day);
    if (offset === undefined) {
      const a = this.lookUp(day);
      // a transition inside this UTC day: NaN marks it, and its quarters are looked at one by one
      offset = a === this.lookUp(day + DAY) ? a : Number.NaN;
      this.remember(this.dayOffsets, day, offset);
    }
    if (!Number.isNaN(offset)) return offset;
    const quarter = Math.floor(utc / QUARTER) * QUARTER;
    let q = this.quarterOffsets.get(quarter);
    if (q === undefined) {
      q = this.lookUp(quarter);
      this.remember(this.quarterOffsets, quarter, q);
    }
    return q;
  }

  local(utc: number): LocalTime {
    const wall = utc + this.offsetAt(utc);
    const day = Math.floor(wall / DAY);
    const { date, month } = this.dateOf(day);
    return { date, day, minute: Math.floor((wall - day * DAY) / MINUTE), month };
  }

  /** The date of a day number (`LocalTime.day`): a year of hours builds 365 strings, not 8,760. */
  dateOf(day: number): { date: string; month: number } {
    let d = this.dates.get(day);
    if (!d) {
      const date = new Date(day * DAY).toISOString().slice(0, 10);
      d = { date, month: Number(date.slice(5, 7)) };
      this.remember(this.dates, day, d);
    }
    return d;
  }

  /** The UTC instant of 00:00 on a local date (or the first instant after it, where midnight is skipped). */
  startOfDay(date: string): number {
    const wall = Date.parse(`${date}T00:00:00Z`);
    const guess = wall - this.offsetAt(wall);
    return wall - this.offsetAt(guess);
  }

  /** How long a local day lasts: 24 h, or 23 or 25 on a daylight-saving change. */
  dayLength(date: string): number {
    return this.startOfDay(addDays(date, 1)) - this.startOfDay(date);
  }

  private lookUp(utc: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(utc)) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      p.year ?? 1970,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    return wall - (utc - (((utc % 1000) + 1000) % 1000));
  }

  /** Bounded: a hub runs for years and a clock may be asked about any day. */
  private remember<T>(map: Map<number, T>, key: number, value: T): void {
    if (map.size >= 20_000) map.clear();
    map.set(key, value);
  }
}
