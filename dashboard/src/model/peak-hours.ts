/**
 * The `count` hours of the day (0–23, local time) with the highest mean power, in the order of the
 * day: a resident reads "12:00, 19:00, 20:00" as a day, not a ranking. Buckets are grouped by their
 * local hour, so several days of data give a stable picture of the habit.
 */
export function peakHours(t: readonly number[], watts: readonly number[], count = 3): number[] {
  const sums = new Array<number>(24).fill(0);
  const counts = new Array<number>(24).fill(0);
  for (let i = 0; i < t.length; i++) {
    const ts = t[i];
    const w = watts[i];
    if (ts === undefined || w === undefined || !Number.isFinite(w)) continue;
    const h = new Date(ts).getHours();
    sums[h] = (sums[h] ?? 0) + w;
    counts[h] = (counts[h] ?? 0) + 1;
  }
  const means: Array<[number, number]> = [];
  for (let h = 0; h < 24; h++) {
    const c = counts[h] ?? 0;
    if (c > 0) means.push([h, (sums[h] ?? 0) / c]);
  }
  means.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return means
    .slice(0, count)
    .map(([h]) => h)
    .sort((a, b) => a - b);
}
