export interface CsvSeries {
  series: string;
  unit: string;
  t: readonly number[];
  value: readonly number[];
}

/**
 * The points shown, as CSV with the same time columns as the hub's open-data export (epoch ms and
 * ISO 8601 UTC), so a spreadsheet reads both the same way. Values keep a dot decimal separator.
 */
export function seriesToCsv(s: CsvSeries): string {
  const lines = ['series,unit,ts,iso_time,value'];
  const name = /[",\n]/.test(s.series) ? `"${s.series.replace(/"/g, '""')}"` : s.series;
  for (let i = 0; i < s.t.length; i++) {
    const ts = s.t[i] ?? 0;
    lines.push(`${name},${s.unit},${ts},${new Date(ts).toISOString()},${s.value[i] ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A file name that says what and when: `communs-collective-energy-year-2026-11-29.csv`. */
export function csvFileName(series: string, range: string, now: number): string {
  const slug = series.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return `communs-${slug}-${range}-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
