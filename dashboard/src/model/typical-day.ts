const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DayComparison {
  /** Wh used since local midnight today, the bucket under way included when it is there */
  todayWh: number;
  /** Wh used today in the buckets that have ended: what is compared with `typicalWh` */
  comparedWh: number;
  /** mean Wh used in the same ended buckets on the same weekday of past weeks, null without any */
  typicalWh: number | null;
  /** how many past weeks had data for the comparison */
  weeks: number;
  /** the end of the last bucket that has ended: the comparison runs from midnight to here */
  through: number;
  /** no bucket of today has ended yet (just after midnight): nothing to compare */
  early: boolean;
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
 * weekend habits differ more than weeks do). `t`/`wh` are energy buckets of `bucketMs` (Wh used per
 * bucket). Both sides stop at the last bucket that has ended: the one under way is partial today (or
 * not published yet, for the neighbourhood's figures) and whole in past weeks, which would read as
 * "less than usual" every hour. Weeks without any bucket are left out rather than counted as zero.
 */
export function compareWithTypicalDay(
  t: readonly number[],
  wh: readonly number[],
  now: number,
  weeks = 4,
  bucketMs = HOUR,
): DayComparison {
  const midnight = startOfLocalDay(now);
  const [todayWh] = sumBetween(t, wh, midnight, now + 1);
  const ended = Math.floor((now - midnight) / bucketMs) * bucketMs;
  const [comparedWh] = sumBetween(t, wh, midnight, midnight + ended);
  const through = midnight + ended;
  if (ended === 0) return { todayWh, comparedWh, typicalWh: null, weeks: 0, through, early: true };
  let total = 0;
  let used = 0;
  for (let k = 1; k <= weeks; k++) {
    // DST shifts make "7 days ago" an hour off; re-anchor on that day's own local midnight.
    const pastMidnight = startOfLocalDay(midnight - 7 * k * DAY + DAY / 2);
    const [sum, count] = sumBetween(t, wh, pastMidnight, pastMidnight + ended);
    if (count > 0) {
      total += sum;
      used++;
    }
  }
  return {
    todayWh,
    comparedWh,
    typicalWh: used > 0 ? total / used : null,
    weeks: used,
    through,
    early: false,
  };
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
