export interface SeriesSummary {
  count: number;
  from: number;
  to: number;
  min: number;
  max: number;
  mean: number;
  last: number;
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
  return { count, from: t[0] ?? 0, to: t[t.length - 1] ?? 0, min, max, mean: sum / count, last };
}
