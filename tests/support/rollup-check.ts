import type { Db } from '../../hub/src/store/db.ts';
import { PERIOD_LIST, type RollupCell } from '../../hub/src/store/rollup.ts';

interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Rollups beside the aggregates of the raw readings they stand for (`all_readings`), one line per
 * difference (none: they agree). `merged`: a series' cells as the hub reads them, the table merged
 * with what it holds in memory (hub/src/store/rollup-reader.ts); without it, the table alone, as a
 * resident's `sqlite3` sees it after a clean stop.
 */
export function rollupDifferences(
  db: Db,
  merged?: { all(sensorId: number): Iterable<RollupCell> },
): string[] {
  const direct = new Map<string, Aggregate>();
  for (const period of PERIOD_LIST) {
    const rows = db
      .prepare(
        `SELECT sensor_id, CAST(ts / ? AS INTEGER) * ? AS start, count(*) AS count, sum(value) AS sum,
                min(value) AS min, max(value) AS max
         FROM all_readings GROUP BY sensor_id, start`,
      )
      .all(period, period) as ({ sensor_id: number; start: number } & Aggregate)[];
    for (const r of rows) direct.set(`${r.sensor_id}/${period}/${r.start}`, r);
  }
  const rolled = new Map<string, Aggregate>();
  if (merged) {
    for (const id of db.prepare('SELECT id FROM sensors').pluck().all() as number[])
      for (const c of merged.all(id)) rolled.set(`${id}/${c.period}/${c.start}`, c);
  } else {
    const rows = db.prepare('SELECT sensor_id, period, start, count, sum, min, max FROM rollups').all() as ({
      sensor_id: number;
      period: number;
      start: number;
    } & Aggregate)[];
    for (const r of rows) rolled.set(`${r.sensor_id}/${r.period}/${r.start}`, r);
  }
  const out: string[] = [];
  for (const [key, d] of direct) {
    const r = rolled.get(key);
    if (!r) out.push(`${key}: no rollup for ${d.count} readings`);
    else if (
      r.count !== d.count ||
      r.min !== d.min ||
      r.max !== d.max ||
      Math.abs(r.sum - d.sum) > 1e-6 * Math.max(1, Math.abs(d.sum))
    )
      out.push(`${key}: rollup ${JSON.stringify(pick(r))}, readings ${JSON.stringify(pick(d))}`);
  }
  for (const [key, r] of rolled)
    if (!direct.has(key)) out.push(`${key}: a rollup of ${r.count} readings that are not there`);
  return out;
}

function pick(a: Aggregate): Aggregate {
  return { count: a.count, sum: a.sum, min: a.min, max: a.max };
}

/**
 * Hour and day rows of the table in buckets the hub holds in memory until they close
 * (hub/src/store/rollup-buffer.ts): there must be none, or a restart would count them twice.
 */
export function rowsInOpenBuckets(db: Db, openFromOf: (period: number) => number): number {
  let n = 0;
  for (const period of PERIOD_LIST) {
    const from = openFromOf(period);
    if (Number.isFinite(from))
      n += db
        .prepare('SELECT count(*) FROM rollups WHERE period = ? AND start >= ?')
        .pluck()
        .get(period, from) as number;
  }
  return n;
}
