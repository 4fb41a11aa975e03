import { QUANTITIES, type Quantity, type QuantitySpec, type SeriesStep } from '../../../protocol/index.ts';
import { CollectiveCache, type CollectiveRow } from './collective-cache.ts';
import { CollectiveLedger } from './collective-ledger.ts';
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

/** A run of withheld buckets [from, to) and the reason (a code of hub/src/privacy/aggregate-rule.ts, or `partial`). */
export interface Gap {
  from: number;
  to: number;
  reason: 'too_few' | 'dominated' | 'exposed_only' | 'partial';
}

export interface CollectiveResult extends SeriesResult {
  households: number;
  /** withheld buckets, as runs */
  gaps: Gap[];
  /** the households whose series are public: their sum (or mean) per bucket, always publishable */
  named: { households: number; points: PointsJson };
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
 * collective figures as the privacy ledger published them (hub/src/privacy/collective-publisher.ts).
 */
export class SeriesQuery {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly cache: CollectiveCache<Columns>;
  readonly ledger: CollectiveLedger;
  /** per quantity and period: the open buckets last computed, and the state they were read in */
  private readonly openBuckets = new Map<string, { stamp: string; columns: Columns }>();
  private readonly stmts;

  constructor(opts: { db: Db; now?: () => number }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.cache = new CollectiveCache({ db: this.db });
    this.ledger = new CollectiveLedger({ db: this.db });
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
      // the named part: households sharing now, from the first bucket that began once they did
      // (docs/PRIVACY.md); their series are public, so their sum is too
      named: this.db.prepare(
        `SELECT r.start AS start, sum(r.sum) AS total, sum(r.sum / r.count) AS sumOfMeans, avg(r.sum / r.count) AS meanOfMeans,
                min(r.min) AS min, max(r.max) AS max, count(DISTINCT n.household_id) AS households
         FROM sensors s
         JOIN nodes n ON n.id = s.node_id
         JOIN sharing_periods sp ON sp.household_id = n.household_id AND sp.until IS NULL
         CROSS JOIN rollups r ON r.sensor_id = s.id AND r.period = ? AND r.start >= ? AND r.start < ?
         WHERE s.quantity = ? AND r.start >= sp.since
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

  /** One series; `notBefore`: nothing earlier is shown, not even a bucket that began earlier. */
  series(
    sensor: SensorRow,
    from: number,
    to: number,
    step: SeriesStep | 'auto',
    notBefore?: number,
  ): SeriesResult {
    if (notBefore !== undefined && notBefore > from) from = notBefore;
    if (to < from) to = from;
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
    const first =
      notBefore !== undefined && notBefore >= from
        ? Math.ceil(from / period) * period
        : alignDown(from, period);
    const json = stmt.get(sensor.id, period, first, to) as Buffer;
    return { step: chosen, stepMs: period, points: new PointsJson([json]) };
  }

  /**
   * A collective figure as published (docs/PRIVACY.md): the buckets the ledger holds, never finer
   * than the quantity's base bucket (`basePeriod`: a finer step is answered at the base one), with
   * the withheld ones as gaps, and the named households' part beside it.
   */
  collective(
    quantity: Quantity,
    from: number,
    to: number,
    step: SeriesStep | 'auto',
    basePeriod: number,
  ): CollectiveResult {
    let chosen = step === 'auto' ? this.chooseStep(to - from, true) : step;
    if (chosen === 'raw' || PERIODS[chosen] < basePeriod) chosen = stepOf(basePeriod);
    const period = PERIODS[chosen];
    this.checkPoints(from, to, period);
    const start = alignDown(from, period);
    const rows = this.ledger.rows(quantity, period, start, to);
    const points: Points = { t: [], value: [], min: [], max: [] };
    const gaps: Gap[] = [];
    let households = 0;
    for (const r of rows) {
      if (r.value !== null) {
        points.t.push(r.start);
        points.value.push(r.value);
        points.min.push(r.value);
        points.max.push(r.value);
        households = Math.max(households, r.households ?? 0);
        continue;
      }
      const last = gaps.at(-1);
      const reason = (r.withheld ?? 'too_few') as Gap['reason'];
      if (last && last.to === r.start && last.reason === reason) last.to = r.start + period;
      else gaps.push({ from: r.start, to: r.start + period, reason });
    }
    const named = this.named(quantity, start, to, period);
    return {
      step: chosen,
      stepMs: period,
      points,
      households,
      gaps,
      named: {
        households: named.households,
        points: new PointsJson(['{"t":[', named.t, '],"value":[', named.value, ']}']),
      },
    };
  }

  /** The named households' part of a quantity, closed buckets from memory, the open ones from SQLite. */
  private named(quantity: Quantity, start: number, to: number, period: number): Columns {
    flushRollups(this.db);
    const spec = QUANTITIES[quantity];
    const compute = (a: number, b: number) => this.stmts.named.all(period, a, b, quantity) as CollectiveRow[];
    const closedEnd = Math.max(start, Math.min(to, alignDown(this.now() - LATE_GRACE_MS, period)));
    const closed = this.cache.derived(`${quantity}:${period}`, period, start, closedEnd, compute, (rows) =>
      columnsOf(rows, spec),
    );
    const open = this.openColumns(`${quantity}:${period}`, closedEnd, Math.ceil(to / period), () =>
      columnsOf(compute(closedEnd, to), spec),
    );
    const join = (a: Uint8Array, b: Uint8Array) =>
      a.length > 0 && b.length > 0 ? Buffer.concat([a, Buffer.from(','), b]) : a.length > 0 ? a : b;
    return {
      t: join(closed.t, open.t),
      value: join(closed.value, open.value),
      min: join(closed.min, open.min),
      max: join(closed.max, open.max),
      shown: closed.shown + open.shown,
      households: Math.max(closed.households, open.households),
    };
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
  /** buckets shown */
  shown: number;
  /** the most households any bucket had */
  households: number;
}

function columnsOf(rows: readonly CollectiveRow[], spec: QuantitySpec): Columns {
  const points: Points = { t: [], value: [], min: [], max: [] };
  let households = 0;
  for (const row of rows) {
    households = Math.max(households, row.households);
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
    households,
  };
}

/** The rollup rows of one series as the JSON text of `Points` (bytes); `value` is the SQL expression. */
function rollupJsonSql(value: string): string {
  return `SELECT CAST(json_object('t', json_group_array(start), 'value', json_group_array(v), 'min', json_group_array(min), 'max', json_group_array(max)) AS BLOB)
          FROM (SELECT start, ${value} AS v, min, max FROM rollups
                WHERE sensor_id = ? AND period = ? AND start >= ? AND start < ? ORDER BY start)`;
}

function stepOf(period: number): Exclude<SeriesStep, 'raw'> {
  return period >= PERIODS.day ? 'day' : period >= PERIODS.hour ? 'hour' : 'minute';
}

function alignDown(ts: number, period: number): number {
  return Math.floor(ts / period) * period;
}
