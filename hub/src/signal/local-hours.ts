import type { OffPeakWindow, Tariff } from '../../../protocol/tariff.ts';
import { isOffPeak, TEMPO_DAY_STARTS_AT, TEMPO_OFF_PEAK } from '../cost/cost.ts';
import { addDays, type LocalClock } from '../cost/local-time.ts';

const MINUTE = 60_000;

/** The signal's day at an instant: like a Tempo day, it runs from 06:00 to 06:00 the next day. */
export function signalDate(clock: LocalClock, now: number): string {
  const l = clock.local(now);
  return l.minute < TEMPO_DAY_STARTS_AT ? addDays(l.date, -1) : l.date;
}

/** The instant a local date's wall clock reads `minute` minutes past midnight (DST days included). */
export function atLocal(clock: LocalClock, date: string, minute: number): number {
  let t = clock.startOfDay(date) + minute * MINUTE;
  // after a daylight-saving change inside the day, the wall clock is an hour off: correct once
  const l = clock.local(t);
  const seen = l.date === date ? l.minute : l.date < date ? l.minute - 1440 : l.minute + 1440;
  t += (minute - seen) * MINUTE;
  return t;
}

/** A tariff's off-peak windows (Tempo's are fixed), those in force in `month` only. */
export function windowsIn(tariff: Tariff, month: number): OffPeakWindow[] {
  const all =
    tariff.model === 'tempo' ? TEMPO_OFF_PEAK : tariff.model === 'single' ? [] : tariff.offPeakHours;
  return all.filter((w) => {
    if (!w.months) return true;
    const [a, b] = w.months;
    return a <= b ? month >= a && month <= b : month >= a || month <= b;
  });
}

export interface OffPeakNow {
  windows: OffPeakWindow[];
  /** null: the tariff has a single rate */
  now: boolean | null;
  /** the next instant the state changes (within two days), null for a single rate */
  nextChange: number | null;
}

/** Whether `now` is in off-peak hours of `tariff`, and when that changes next. */
export function offPeakAt(tariff: Tariff, clock: LocalClock, now: number): OffPeakNow {
  const l = clock.local(now);
  const windows = windowsIn(tariff, l.month);
  if (windows.length === 0) return { windows, now: null, nextChange: null };
  return { windows, now: isOffPeak(windows, l.month, l.minute), nextChange: nextEdge(windows, clock, now) };
}

/** True when `now` falls in hours where a grid-stress day asks to hold back: outside off-peak hours. */
export function inStressHours(windows: readonly OffPeakWindow[], clock: LocalClock, now: number): boolean {
  const l = clock.local(now);
  // a single rate has no off-peak hours of its own: Tempo's (22:00–06:00) say when the grid is calm
  return !isOffPeak(windows.length > 0 ? windows : TEMPO_OFF_PEAK, l.month, l.minute);
}

function nextEdge(windows: readonly OffPeakWindow[], clock: LocalClock, now: number): number | null {
  const l = clock.local(now);
  const state = isOffPeak(windows, l.month, l.minute);
  const edges = new Set<number>();
  for (const w of windows) {
    edges.add(minuteOf(w.from));
    edges.add(minuteOf(w.to) % 1440);
  }
  const candidates: number[] = [];
  for (const day of [l.date, addDays(l.date, 1)]) {
    for (const m of edges) candidates.push(atLocal(clock, day, m));
  }
  candidates.sort((a, b) => a - b);
  for (const t of candidates) {
    if (t <= now) continue;
    const at = clock.local(t);
    if (isOffPeak(windows, at.month, at.minute) !== state) return t;
  }
  return null;
}

function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
