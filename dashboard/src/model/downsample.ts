export interface Columns {
  t: number[];
  value: number[];
}

/**
 * Merges neighbouring points so that at most `maxPoints` remain. Counters (energy per bucket) are
 * summed so totals stay true; gauges (power, temperature) are averaged. Used when the hub answers
 * with more points than the chart has room for (raw data, a narrow screen).
 */
export function downsample(cols: Columns, maxPoints: number, mode: 'sum' | 'mean'): Columns {
  const n = cols.t.length;
  if (n <= maxPoints || maxPoints < 1) return cols;
  const per = Math.ceil(n / maxPoints);
  const t: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < n; i += per) {
    const end = Math.min(i + per, n);
    let sum = 0;
    for (let j = i; j < end; j++) sum += cols.value[j] ?? 0;
    t.push(cols.t[i] ?? 0);
    value.push(mode === 'sum' ? sum : sum / (end - i));
  }
  return { t, value };
}
