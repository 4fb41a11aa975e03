export interface CsvSeries {
  series: string;
  unit: string;
  t: readonly number[];
  value: readonly number[];
  /** the money of each point (bars of energy), in `currency` */
  cost?: { values: readonly number[]; currency: string };
}

/**
 * The points shown, as CSV with the same time columns as the hub's open-data export (epoch ms and
 * ISO 8601 UTC), so a spreadsheet reads both the same way. Values keep a dot decimal separator.
 */
export function seriesToCsv(s: CsvSeries): string {
  const lines = [`series,unit,ts,iso_time,value${s.cost ? ',cost,currency' : ''}`];
  const name = /[",\n]/.test(s.series) ? `"${s.series.replace(/"/g, '""')}"` : s.series;
  for (let i = 0; i < s.t.length; i++) {
    const ts = s.t[i] ?? 0;
    const money = s.cost ? `,${s.cost.values[i] ?? ''},${s.cost.currency}` : '';
    lines.push(`${name},${s.unit},${ts},${new Date(ts).toISOString()},${s.value[i] ?? ''}${money}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A file name that says what and when: `communs-collective-energy-year-2026-01-01.csv` (the period's first day). */
export function csvFileName(series: string, range: string, day: string): string {
  const slug = series.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return `communs-${slug}-${range}-${day}.csv`;
}
