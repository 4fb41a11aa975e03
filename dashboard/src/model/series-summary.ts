export type Cadence = 'minute' | 'hour' | 'day' | 'month';

const STEPS: Array<[Cadence, number, number]> = [
  ['minute', 60_000, 0.1],
  ['hour', 3_600_000, 0.1],
  // 23 or 25 hours on the days the clocks change
  ['day', 86_400_000, 0.05],
  // 28 to 31 days
  ['month', 30.4 * 86_400_000, 0.08],
];

/**
 * The regular step between the points of a series, from the median gap (a hole in the data does
 * not change it), or null when the points are irregular (raw readings): "one value per minute"
 * tells a resident more than "1440 points".
 */
export function cadenceOf(t: readonly number[]): Cadence | null {
  const gaps: number[] = [];
  for (let i = 1; i < t.length; i++) gaps.push((t[i] ?? 0) - (t[i - 1] ?? 0));
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
  for (const [name, ms, tolerance] of STEPS) if (Math.abs(median - ms) <= ms * tolerance) return name;
  return null;
}

export interface SeriesSummary {
  count: number;
  from: number;
  to: number;
  min: number;
  max: number;
  mean: number;
  last: number;
  /** the regular step between points, null for irregular readings */
  cadence: Cadence | null;
}

/** The figures a chart's text alternative states: range, extremes, mean, latest. Null when empty. */
export function summarizeSeries(
  t: readonly number[],
  value: readonly (number | null)[],
): SeriesSummary | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  let last = Number.NaN;
  for (const v of value) {
    if (v === null || !Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    count++;
    last = v;
  }
  if (count === 0) return null;
  return {
    count,
    from: t[0] ?? 0,
    to: t[t.length - 1] ?? 0,
    min,
    max,
    mean: sum / count,
    last,
    cadence: cadenceOf(t),
  };
}
