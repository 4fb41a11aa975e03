import { QUANTITIES, type Quantity, type QuantitySpec, type SeriesStep } from '../../../protocol/index.ts';
import { CollectiveCache, type CollectiveRow } from './collective-cache.ts';
import type { CollectiveLedger } from './collective-ledger.ts';
import type { Db } from './db.ts';
import { type Points, PointsJson } from './points-json.ts';
import { RawReadings } from './raw-readings.ts';
import type { ReadPool } from './read-pool.ts';
import type { SensorRow } from './registry.ts';
import { PERIODS, type RollupCell } from './rollup.ts';
import type { RollupReader } from './rollup-reader.ts';

export interface SeriesResult {
  step: SeriesStep;
  stepMs: number;
  /** raw readings come as arrays; rollups and aggregates as JSON text (no per-row objects) */
  points: Points | PointsJson;
}

/** A run of withheld buckets [from, to) and the reason (a code of hub/src/privacy/aggregate-rule.ts, or `partial`). */
export interface Gap {
  from: number;
  to: number;
  reason: 'too_few' | 'dominated' | 'exposed_only' | 'partial';
}

export interface CollectiveResult extends Omit<SeriesResult, 'points'> {
  /** the published buckets */
  points: Points;
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
 * collective figures as the privacy ledger published them (hub/src/privacy/collective-publisher.ts),
 * with the named households' part beside.
 */
export class SeriesQuery {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly rollups: RollupReader;
  private readonly pool: ReadPool | undefined;
  private readonly cache: CollectiveCache<Columns>;
  /** per quantity and period: the open buckets last computed, and the state they were read in */
  private readonly openBuckets = new Map<string, { stamp: string; columns: Columns }>();
  private readonly stmts;
  readonly ledger: CollectiveLedger;

  /**
   * `raw` and `rollups`: the readers that merge what ingest holds in memory (store.ts); `ledger`: the
   * collective figures as published (docs/PRIVACY.md); `pool`: read workers for the table's part of
   * one series' rollups
   */
  constructor(opts: {
    db: Db;
    rollups: RollupReader;
    ledger: CollectiveLedger;
    raw?: RawReadings;
    pool?: ReadPool;
    now?: () => number;
  }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.rollups = opts.rollups;
    this.ledger = opts.ledger;
    this.pool = opts.pool;
    this.cache = new CollectiveCache({ db: this.db });
    this.stmts = {
      // recent rows and packed blocks, merged by time
      raw: opts.raw ?? new RawReadings({ db: this.db }),
      // SQLite writes the response's columns itself: handing 1,440 rows of a day chart to JS
      // cost ~1 µs a row and serialising them again ~0.5 µs, 2.3 ms in all; this takes ~0.8 ms
      // (bench/queries.ts). Its numbers round-trip to the same doubles as JSON.stringify's.
      rollupGauge: this.db.prepare(rollupJsonSql('sum / count')).raw(),
      rollupCounter: this.db.prepare(rollupJsonSql('sum')).raw(),
      // CROSS JOIN keeps rollups the inner loop, searched by its primary key for each sensor of
      // the quantity; without statistics the planner scanned the whole rollups table instead
      // (326 ms for a year of 200 series, 48 ms with the search)
      // the named part: households sharing now, from the first bucket that began once they did
      // (docs/PRIVACY.md); their series are public, so their sum is too
      collective: this.db.prepare(
        `SELECT r.start AS start, sum(r.sum) AS total, sum(r.sum / r.count) AS sumOfMeans, avg(r.sum / r.count) AS meanOfMeans,
                min(r.min) AS min, max(r.max) AS max, count(DISTINCT n.household_id) AS households
         FROM sensors s
         JOIN nodes n ON n.id = s.node_id
         JOIN sharing_periods sp ON sp.household_id = n.household_id AND sp.until IS NULL
         CROSS JOIN rollups r ON r.sensor_id = s.id AND r.period = ? AND r.start >= ? AND r.start < ?
         WHERE s.quantity = ? AND r.start >= sp.since
           -- a part of a series its node declares (a tariff register of the total) counts once, in the whole
           AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)
         GROUP BY r.start ORDER BY r.start`,
      ),
      // the named series, with their household and since when: held cells are merged with these
      contributors: this.db
        .prepare(
          `SELECT s.id, n.household_id, sp.since FROM sensors s JOIN nodes n ON n.id = s.node_id
           JOIN sharing_periods sp ON sp.household_id = n.household_id AND sp.until IS NULL
           WHERE s.quantity = ?
             AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)`,
        )
        .raw(),
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
    const plan = this.plan(sensor, from, to, step, notBefore);
    if ('done' in plan) return plan.done;
    const stmt = plan.counter ? this.stmts.rollupCounter : this.stmts.rollupGauge;
    const stored = columnsFromSql(stmt.get(sensor.id, plan.period, plan.start, plan.split) as unknown[]);
    return { step: plan.step, stepMs: plan.period, points: joinColumns(stored, plan.held) };
  }

  /**
   * The same answer, with the table's part read by a read worker when there is one
   * (hub/src/store/read-pool.ts): what ingest holds in memory is taken first, on this thread, so a
   * fold while the worker reads loses nothing.
   */
  async seriesRead(
    sensor: SensorRow,
    from: number,
    to: number,
    step: SeriesStep | 'auto',
    notBefore?: number,
  ): Promise<SeriesResult> {
    if (!this.pool?.available) return this.series(sensor, from, to, step, notBefore);
    const plan = this.plan(sensor, from, to, step, notBefore);
    if ('done' in plan) return plan.done;
    const name = plan.counter ? 'rollupCounter' : 'rollupGauge';
    const row = await this.pool
      .get(name, [sensor.id, plan.period, plan.start, plan.split])
      .catch(() => undefined);
    const stmt = plan.counter ? this.stmts.rollupCounter : this.stmts.rollupGauge;
    const stored = columnsFromSql(
      row ?? (stmt.get(sensor.id, plan.period, plan.start, plan.split) as unknown[]),
    );
    return { step: plan.step, stepMs: plan.period, points: joinColumns(stored, plan.held) };
  }

  /**
   * The step, and for rollups: the table's range [start, split) up to the first bucket ingest still
   * holds in memory, and the merged cells after it (taken now). A raw answer is complete at once.
   */
  private plan(
    sensor: SensorRow,
    from: number,
    to: number,
    step: SeriesStep | 'auto',
    notBefore?: number,
  ):
    | { done: SeriesResult }
    | { step: SeriesStep; period: number; start: number; split: number; counter: boolean; held: Columns } {
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
      return { done: { step: 'raw', stepMs: 0, points } };
    }
    const period = PERIODS[chosen];
    this.checkPoints(from, to, period);
    const counter = QUANTITIES[sensor.quantity].kind === 'counter';
    const start =
      notBefore !== undefined && notBefore >= from
        ? Math.ceil(from / period) * period
        : alignDown(from, period);
    // the table up to the first bucket ingest still holds in memory, then the merged cells
    const split = Math.max(
      start,
      Math.min(
        to,
        this.rollups.heldFrom(period, (id) => id === sensor.id),
      ),
    );
    const held = columnsOfCells(this.rollups.cells(sensor.id, period, split, to), counter);
    return { step: chosen, period, start, split, counter, held };
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
    const points: Points = { t: [], value: [], min: [], max: [] };
    const gaps: Gap[] = [];
    let households = 0;
    for (const r of this.ledger.rows(quantity, period, start, to)) {
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
      named,
    };
  }

  /** The named households' part of a quantity: closed buckets from memory, the open and held ones read. */
  private named(
    quantity: Quantity,
    start: number,
    to: number,
    period: number,
  ): { households: number; points: PointsJson } {
    const spec = QUANTITIES[quantity];
    const compute = (a: number, b: number) =>
      this.stmts.collective.all(period, a, b, quantity) as CollectiveRow[];
    const contributors = this.stmts.contributors.all(quantity) as [number, string, number][];
    const households = new Map(contributors.map(([id, h]) => [id, h]));
    const since = new Map(contributors.map(([id, , t]) => [id, t]));
    // buckets from the first one ingest still holds in memory are merged with it, never cached
    const split = Math.max(
      start,
      Math.min(
        to,
        this.rollups.heldFrom(period, (id) => households.has(id)),
      ),
    );
    const closedEnd = Math.max(start, Math.min(split, alignDown(this.now() - LATE_GRACE_MS, period)));
    const closed = this.cache.derived(`${quantity}:${period}`, period, start, closedEnd, compute, (rows) =>
      columnsOf(rows, spec),
    );
    const open = this.openColumns(`${quantity}:${period}`, closedEnd, split, () =>
      columnsOf(compute(closedEnd, split), spec),
    );
    const held = columnsOf(this.collectiveHeld(period, split, to, households, since), spec);
    const parts = [closed, open, held];
    return { households: Math.max(...parts.map((p) => p.households)), points: joinColumns(...parts) };
  }

  /**
   * Collective rows of the buckets [from, to) that ingest still holds cells of: each series' stored
   * cell and held cell merged first (a mean is a series' sum over its count), then the buckets.
   */
  private collectiveHeld(
    period: number,
    from: number,
    to: number,
    households: ReadonlyMap<number, string>,
    since: ReadonlyMap<number, number>,
  ): CollectiveRow[] {
    if (from >= to) return [];
    const bySeries = this.rollups.cellsOfEach(households.keys(), period, from, to);
    for (const [id, cells] of bySeries)
      bySeries.set(
        id,
        cells.filter((c) => c.start >= (since.get(id) ?? 0)),
      );
    const buckets = new Map<number, { cells: RollupCell[]; homes: Set<string> }>();
    for (const [id, cells] of bySeries) {
      for (const c of cells) {
        let b = buckets.get(c.start);
        if (!b) {
          b = { cells: [], homes: new Set() };
          buckets.set(c.start, b);
        }
        b.cells.push(c);
        b.homes.add(households.get(id) as string);
      }
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, { cells, homes }]) => {
        const means = cells.map((c) => c.sum / c.count);
        const sumOfMeans = means.reduce((a, b) => a + b, 0);
        return {
          start,
          total: cells.reduce((a, c) => a + c.sum, 0),
          sumOfMeans,
          meanOfMeans: sumOfMeans / cells.length,
          min: Math.min(...cells.map((c) => c.min)),
          max: Math.max(...cells.map((c) => c.max)),
          households: homes.size,
        };
      });
  }

  /**
   * The open buckets [closedEnd, end) of `key`, computed again only after a write: they
   * cost a search of every sensor's rollups (~0.5–1 ms for 200 series, bench queries), and screens
   * asking between two commits of ingest see the same rows.
   */
  private openColumns(key: string, closedEnd: number, end: number, compute: () => Columns): Columns {
    if (end <= closedEnd) return emptyColumns();
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

/**
 * The rollup rows of one series as four JSON arrays (bytes), one a column of `Points`; `value` is
 * the SQL expression.
 */
export function rollupJsonSql(value: string): string {
  return `SELECT CAST(json_group_array(start) AS BLOB), CAST(json_group_array(v) AS BLOB),
                 CAST(json_group_array(min) AS BLOB), CAST(json_group_array(max) AS BLOB), count(*)
          FROM (SELECT start, ${value} AS v, min, max FROM rollups
                WHERE sensor_id = ? AND period = ? AND start >= ? AND start < ? ORDER BY start)`;
}

/** SQLite's four arrays as columns: the brackets cut off, the bytes kept. */
function columnsFromSql(row: unknown[]): Columns {
  const cut = (b: unknown) => (b as Buffer).subarray(1, (b as Buffer).length - 1);
  return {
    t: cut(row[0]),
    value: cut(row[1]),
    min: cut(row[2]),
    max: cut(row[3]),
    shown: Number(row[4]),
    households: 0,
  };
}

/** One series' merged cells as columns: a gauge's mean, a counter's sum. */
function columnsOfCells(cells: readonly RollupCell[], counter: boolean): Columns {
  const list = (xs: number[]) => Buffer.from(JSON.stringify(xs).slice(1, -1));
  return {
    t: list(cells.map((c) => c.start)),
    value: list(cells.map((c) => (counter ? c.sum : c.sum / c.count))),
    min: list(cells.map((c) => c.min)),
    max: list(cells.map((c) => c.max)),
    shown: cells.length,
    households: 0,
  };
}

function emptyColumns(): Columns {
  const none = new Uint8Array(0);
  return { t: none, value: none, min: none, max: none, shown: 0, households: 0 };
}

/** `Points` as JSON text from consecutive runs of columns, without copying their bytes. */
function joinColumns(...runs: Columns[]): PointsJson {
  const parts: (string | Uint8Array)[] = [];
  for (const [i, key] of (['t', 'value', 'min', 'max'] as const).entries()) {
    parts.push(i === 0 ? `{"${key}":[` : `],"${key}":[`);
    let first = true;
    for (const run of runs) {
      if (run.shown === 0) continue;
      if (!first) parts.push(',');
      parts.push(run[key]);
      first = false;
    }
  }
  parts.push(']}');
  return new PointsJson(parts);
}

function stepOf(period: number): Exclude<SeriesStep, 'raw'> {
  return period >= PERIODS.day ? 'day' : period >= PERIODS.hour ? 'hour' : 'minute';
}

function alignDown(ts: number, period: number): number {
  return Math.floor(ts / period) * period;
}
