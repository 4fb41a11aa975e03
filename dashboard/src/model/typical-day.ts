const DAY = 86_400_000;

export interface DayComparison {
  /** Wh used since local midnight today */
  todayWh: number;
  /** mean Wh used by the same time of day on the same weekday of past weeks, null without any */
  typicalWh: number | null;
  /** how many past weeks had data for the comparison */
  weeks: number;
}

function startOfLocalDay(ts: number): number {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function sumBetween(t: readonly number[], wh: readonly number[], from: number, to: number): [number, number] {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    const ts = t[i] ?? Number.NaN;
    if (ts >= from && ts < to) {
      sum += wh[i] ?? 0;
      count++;
    }
  }
  return [sum, count];
}

/**
 * Today's energy against a typical day: "typical" is the same weekday of the last `weeks` weeks,
 * counted from midnight to the same time of day, so a Monday is compared with Mondays (weekday and
 * weekend habits differ more than weeks do). `t`/`wh` are energy buckets (Wh used per bucket).
 * Weeks without any bucket are left out rather than counted as zero.
 */
export function compareWithTypicalDay(
  t: readonly number[],
  wh: readonly number[],
  now: number,
  weeks = 4,
): DayComparison {
  const midnight = startOfLocalDay(now);
  const [todayWh] = sumBetween(t, wh, midnight, now + 1);
  const elapsed = now - midnight;
  let total = 0;
  let used = 0;
  for (let k = 1; k <= weeks; k++) {
    // DST shifts make "7 days ago" an hour off; re-anchor on that day's own local midnight.
    const pastMidnight = startOfLocalDay(midnight - 7 * k * DAY + DAY / 2);
    const [sum, count] = sumBetween(t, wh, pastMidnight, pastMidnight + elapsed + 1);
    if (count > 0) {
      total += sum;
      used++;
    }
  }
  return { todayWh, typicalWh: used > 0 ? total / used : null, weeks: used };
}

export interface Difference {
  direction: 'more' | 'less' | 'same';
  /** the difference as a share of the typical day, always positive: 0.27 for "27 % more" */
  share: number;
}

/** Below this share, today and a typical day are "about the same": a day's use varies that much. */
const SAME_BELOW = 0.03;

/**
 * Today against a typical day in words a resident reads without a sign: "27 % more than a typical
 * Saturday" rather than "+27 %". `typicalWh` must be above 0.
 */
export function differenceFromTypical(todayWh: number, typicalWh: number): Difference {
  const ratio = todayWh / typicalWh - 1;
  const share = Math.abs(ratio);
  if (share < SAME_BELOW) return { direction: 'same', share };
  return { direction: ratio > 0 ? 'more' : 'less', share };
}
