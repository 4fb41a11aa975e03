import { QUANTITIES, type Quantity, type QuantitySpec, type SeriesStep } from '../../../protocol/index.ts';
import { K_ANONYMITY } from '../collective.ts';
import { CollectiveCache, type CollectiveRow } from './collective-cache.ts';
import type { Db } from './db.ts';
import { RawReadings } from './raw-readings.ts';
import type { SensorRow } from './registry.ts';
import { PERIODS } from './rollup.ts';
import { flushRollups } from './rollup-buffer.ts';

export interface Points {
  t: number[];
  value: number[];
  min: number[];
  max: number[];
}

/**
 * Points already serialised: `{"t":[…],"value":[…],"min":[…],"max":[…]}` as JSON text in parts.
 * Bytes straight from SQLite or from the cache are never turned into a JS string (a day chart is
 * ~100 KB: the string, its flattening and its encoding cost ~0.1 ms and GC work per request).
 */
export class PointsJson {
  readonly parts: readonly (string | Uint8Array)[];
  constructor(parts: readonly (string | Uint8Array)[]) {
    this.parts = parts;
  }
}

export interface SeriesResult {
  step: SeriesStep;
  stepMs: number;
  /** raw readings come as arrays; rollups and aggregates as JSON text (issue 8: no per-row objects) */
  points: Points | PointsJson;
}

/** The JSON text of a result's points in parts, whichever form they came in. */
export function pointsParts(points: Points | PointsJson): readonly (string | Uint8Array)[] {
  return points instanceof PointsJson ? points.parts : [JSON.stringify(points)];
}

/** The JSON text of a result's points as one string. */
export function pointsJson(points: Points | PointsJson): string {
  return pointsParts(points)
    .map((p) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString()))
    .join('');
}

export interface CollectiveResult extends SeriesResult {
  households: number;
  withheld?: string;
}

/** A response stays under this many points when the step is chosen automatically. */
export const TARGET_POINTS = 3000;
/** An explicit step may not ask for more than this. */
export const MAX_POINTS = 20_000;

export class StepTooFineError extends Error {}

/** A bucket is cached once it ended this long ago: readings a few seconds late still land in it. */
const LATE_GRACE_MS = 60_000;

/**
 * Reads series for the API: raw readings for short spans, the right rollup for longer ones, and
 * collective aggregates over all households' series of a quantity (withheld below k households).
 */
export class SeriesQuery {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly cache: CollectiveCache<Columns>;
  /** per quantity and period: the open buckets last computed, and the state they were read in */
  private readonly openBuckets = new Map<string, { stamp: string; columns: Columns }>();
  private readonly stmts;

  constructor(opts: { db: Db; now?: () => number }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.cache = new CollectiveCache({ db: this.db });
    this.stmts = {
      // recent rows and packed blocks, merged by time
      raw: new RawReadings({ db: this.db }),
      // SQLite writes the response's columns itself: handing 1,440 rows of a day chart to JS
      // cost ~1 µs a row and serialising them again ~0.5 µs, 2.3 ms in all; this takes ~0.8 ms
      // (bench queries, issue 8). Its numbers round-trip to the same doubles as JSON.stringify's.
      rollupGauge: this.db.prepare(rollupJsonSql('sum / count')).pluck(),
      rollupCounter: this.db.prepare(rollupJsonSql('sum')).pluck(),
      // CROSS JOIN keeps rollups the inner loop, searched by its primary key for each sensor of
      // the quantity; without statistics the planner scanned the whole rollups table instead
      // (326 ms for a year of 200 series, 48 ms with the search)
      collective: this.db.prepare(
        `SELECT r.start AS start, sum(r.sum) AS total, sum(r.sum / r.count) AS sumOfMeans, avg(r.sum / r.count) AS meanOfMeans,
                min(r.min) AS min, max(r.max) AS max, count(DISTINCT n.household_id) AS households
         FROM sensors s
         JOIN nodes n ON n.id = s.node_id
         CROSS JOIN rollups r ON r.sensor_id = s.id AND r.period = ? AND r.start >= ? AND r.start < ?
         WHERE s.quantity = ? AND n.household_id IS NOT NULL
           -- a part of a series its node declares (a tariff register of the total) counts once, in the whole
           AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)
         GROUP BY r.start ORDER BY r.start`,
      ),
      // changes on this connection (ingest, erasures, registry) and commits by other ones
      writes: this.db.prepare('SELECT total_changes(), data_version FROM pragma_data_version').raw(),
    };
  }

  /** The step `auto` resolves to for a span; collective queries never go below minutes. */
  chooseStep(spanMs: number, collective: boolean): SeriesStep {
    if (spanMs <= 6 * 3_600_000) return collective ? 'minute' : 'raw';
    if (spanMs <= 2 * 86_400_000) return 'minute';
    if (spanMs <= 120 * 86_400_000) return 'hour';
    return 'day';
  }

  series(sensor: SensorRow, from: number, to: number, step: SeriesStep | 'auto'): SeriesResult {
    let chosen = step === 'auto' ? this.chooseStep(to - from, false) : step;
    if (chosen === 'raw') {
      const n = this.stmts.raw.count(sensor.id, from, to);
      if (n > (step === 'auto' ? TARGET_POINTS : MAX_POINTS)) {
        if (step !== 'auto')
          throw new StepTooFineError(
            `${n} raw readings in this range: choose step=minute or a shorter range`,
          );
        chosen = 'minute';
      }
    }
    if (chosen === 'raw') {
      const points: Points = { t: [], value: [], min: [], max: [] };
      for (const row of this.stmts.raw.range(sensor.id, from, to)) {
        points.t.push(row.ts);
        points.value.push(row.value);
        points.min.push(row.value);
        points.max.push(row.value);
      }
      return { step: 'raw', stepMs: 0, points };
    }
    const period = PERIODS[chosen];
    this.checkPoints(from, to, period);
    flushRollups(this.db);
    const stmt =
      QUANTITIES[sensor.quantity].kind === 'counter' ? this.stmts.rollupCounter : this.stmts.rollupGauge;
    const json = stmt.get(sensor.id, period, alignDown(from, period), to) as Buffer;
    return { step: chosen, stepMs: period, points: new PointsJson([json]) };
  }

  collective(quantity: Quantity, from: number, to: number, step: SeriesStep | 'auto'): CollectiveResult {
    let chosen = step === 'auto' ? this.chooseStep(to - from, true) : step;
    if (chosen === 'raw') chosen = 'minute';
    const period = PERIODS[chosen];
    this.checkPoints(from, to, period);
    flushRollups(this.db);
    const spec = QUANTITIES[quantity];
    const compute = (a: number, b: number) =>
      this.stmts.collective.all(period, a, b, quantity) as CollectiveRow[];
    const start = alignDown(from, period);
    // closed buckets from memory, serialised once (every screen asks for the same ones), the open
    // ones from SQLite
    const closedEnd = Math.max(start, Math.min(to, alignDown(this.now() - LATE_GRACE_MS, period)));
    const closed = this.cache.derived(`${quantity}:${period}`, period, start, closedEnd, compute, (rows) =>
      columnsOf(rows, spec),
    );
    const open = this.openColumns(`${quantity}:${period}`, closedEnd, Math.ceil(to / period), () =>
      columnsOf(compute(closedEnd, to), spec),
    );
    const sep = closed.shown > 0 && open.shown > 0 ? ',' : '';
    const points = new PointsJson([
      '{"t":[',
      closed.t,
      sep,
      open.t,
      '],"value":[',
      closed.value,
      sep,
      open.value,
      '],"min":[',
      closed.min,
      sep,
      open.min,
      '],"max":[',
      closed.max,
      sep,
      open.max,
      ']}',
    ]);
    const households = Math.max(closed.households, open.households);
    const result: CollectiveResult = { step: chosen, stepMs: period, points, households };
    const withheldBuckets = closed.withheld + open.withheld;
    if (withheldBuckets > 0 && closed.shown + open.shown === 0) {
      result.withheld = `fewer than ${K_ANONYMITY} households contribute: the aggregate would reveal them`;
    } else if (withheldBuckets > 0) {
      result.withheld = `${withheldBuckets} period(s) with fewer than ${K_ANONYMITY} households are left out`;
    }
    return result;
  }

  /**
   * The open buckets [closedEnd, end × period) of `key`, computed again only after a write: they
   * cost a search of every sensor's rollups (~0.5–1 ms for 200 series, bench queries), and screens
   * asking between two commits of ingest see the same rows.
   */
  private openColumns(key: string, closedEnd: number, end: number, compute: () => Columns): Columns {
    const stamp = `${closedEnd}:${end}:${(this.stmts.writes.get() as number[]).join(':')}`;
    const memo = this.openBuckets.get(key);
    if (memo?.stamp === stamp) return memo.columns;
    const columns = compute();
    this.openBuckets.set(key, { stamp, columns });
    return columns;
  }

  private checkPoints(from: number, to: number, period: number): void {
    const n = Math.ceil((to - from) / period);
    if (n > MAX_POINTS)
      throw new StepTooFineError(`${n} points in this range: choose a coarser step or a shorter range`);
  }
}

/** Buckets of a collective aggregate as comma-separated JSON numbers, one list per column. */
interface Columns {
  t: Uint8Array;
  value: Uint8Array;
  min: Uint8Array;
  max: Uint8Array;
  /** buckets shown, and buckets left out because fewer than k households contributed */
  shown: number;
  withheld: number;
  /** the most households any bucket had */
  households: number;
}

function columnsOf(rows: readonly CollectiveRow[], spec: QuantitySpec): Columns {
  const points: Points = { t: [], value: [], min: [], max: [] };
  let households = 0;
  let withheld = 0;
  for (const row of rows) {
    households = Math.max(households, row.households);
    // a bucket to which fewer than k households contributed would reveal them: left out
    if (row.households < K_ANONYMITY) {
      withheld++;
      continue;
    }
    const value =
      spec.kind === 'counter' ? row.total : spec.collective === 'sum' ? row.sumOfMeans : row.meanOfMeans;
    points.t.push(row.start);
    points.value.push(value);
    points.min.push(spec.collective === 'sum' ? value : row.min);
    points.max.push(spec.collective === 'sum' ? value : row.max);
  }
  const list = (xs: number[]) => Buffer.from(JSON.stringify(xs).slice(1, -1));
  return {
    t: list(points.t),
    value: list(points.value),
    min: list(points.min),
    max: list(points.max),
    shown: points.t.length,
    withheld,
    households,
  };
}

/** The rollup rows of one series as the JSON text of `Points` (bytes); `value` is the SQL expression. */
function rollupJsonSql(value: string): string {
  return `SELECT CAST(json_object('t', json_group_array(start), 'value', json_group_array(v), 'min', json_group_array(min), 'max', json_group_array(max)) AS BLOB)
          FROM (SELECT start, ${value} AS v, min, max FROM rollups
                WHERE sensor_id = ? AND period = ? AND start >= ? AND start < ? ORDER BY start)`;
}

function alignDown(ts: number, period: number): number {
  return Math.floor(ts / period) * period;
}
