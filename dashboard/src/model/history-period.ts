import type { HistoryRange } from './history-range.ts';

/**
 * Calendar periods in the browser's local time: a day from midnight, a week from Monday, a month
 * from its first, a year from 1 January. History shows one period at a time, with its neighbours a
 * click away, so its totals are the ones residents compare (a bill's month, not "the last 30 days").
 */
export interface Period {
  range: HistoryRange;
  /** epoch ms of its first local midnight */
  start: number;
  /** epoch ms of the next period's start */
  end: number;
}

/** What the chart of a period is made of: hours of a day, days of a week or month, months of a year. */
export type Slot = 'hour' | 'day' | 'month';

export function slotOf(range: HistoryRange): Slot {
  return range === 'day' ? 'hour' : range === 'year' ? 'month' : 'day';
}

function firstInstant(range: HistoryRange, ts: number): Date {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  if (range === 'week') d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  if (range === 'month') d.setDate(1);
  if (range === 'year') d.setMonth(0, 1);
  return d;
}

function moved(range: HistoryRange, d: Date, n: number): Date {
  const m = new Date(d);
  if (range === 'day') m.setDate(m.getDate() + n);
  if (range === 'week') m.setDate(m.getDate() + 7 * n);
  if (range === 'month') m.setMonth(m.getMonth() + n);
  if (range === 'year') m.setFullYear(m.getFullYear() + n);
  return m;
}

/** The period of `range` that contains `ts`. */
export function periodContaining(range: HistoryRange, ts: number): Period {
  const start = firstInstant(range, ts);
  return { range, start: start.getTime(), end: moved(range, start, 1).getTime() };
}

/** The period `n` periods later (earlier when negative). */
export function shiftPeriod(p: Period, n: number): Period {
  return periodContaining(p.range, moved(p.range, new Date(p.start), n).getTime() + 1);
}

/**
 * The same period a year before: the same date for a day or a month, the week 52 weeks before
 * (a Monday-to-Sunday week again), none for a year (that is the previous period).
 */
export function sameLastYear(p: Period): Period | null {
  if (p.range === 'year') return null;
  if (p.range === 'week') return shiftPeriod(p, -52);
  const d = new Date(p.start);
  d.setFullYear(d.getFullYear() - 1);
  return periodContaining(p.range, d.getTime());
}

/** The start of every slot of a period, in order (23 or 25 hours on a daylight-saving day). */
export function periodSlots(p: Period): number[] {
  const slot = slotOf(p.range);
  const out: number[] = [];
  const d = new Date(p.start);
  while (d.getTime() < p.end && out.length < 400) {
    out.push(d.getTime());
    if (slot === 'hour') d.setTime(d.getTime() + 3_600_000);
    else if (slot === 'day') d.setDate(d.getDate() + 1);
    else d.setMonth(d.getMonth() + 1);
  }
  return out;
}

/** `YYYY-MM-DD` of a period's first day, for links (`?at=`). */
export function periodKey(p: Period): string {
  const d = new Date(p.start);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** The local midnight of a `YYYY-MM-DD` date, or undefined for anything else. */
export function parseDateKey(key: string | null): number | undefined {
  const m = key === null ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d.getTime() : undefined;
}

export interface Window {
  from: number;
  to: number;
}

export interface Comparison {
  /** the part of the period shown that has happened: all of it, or up to now */
  shown: Window;
  /** true while the period is under way: the others are cut to the same point */
  partial: boolean;
  previous: Window & { period: Period };
  lastYear: (Window & { period: Period }) | null;
}

/**
 * What a period is compared with: the one before, and the same one a year before, each cut to the
 * same point when the period is under way (this month so far against last month by the same day).
 */
export function comparisonWindows(p: Period, now: number): Comparison {
  const to = Math.min(p.end, now);
  const elapsed = Math.max(0, to - p.start);
  const cut = (q: Period) => ({ period: q, from: q.start, to: Math.min(q.end, q.start + elapsed) });
  const last = sameLastYear(p);
  return {
    shown: { from: p.start, to },
    partial: to < p.end,
    previous: cut(shiftPeriod(p, -1)),
    lastYear: last ? cut(last) : null,
  };
}
