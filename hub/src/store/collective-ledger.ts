import type { Quantity } from '../../../protocol/index.ts';
import type { Db } from './db.ts';
import type { RollupReader } from './rollup-reader.ts';

/** What one household put into one bucket of a quantity: the sum of its series' bucket values. */
export interface HouseholdBucket {
  start: number;
  household: string;
  /** gauges: the sum of its series' bucket means; counters: the sum of its series' deltas */
  value: number;
  /** how many of its series reported in the bucket */
  series: number;
}

/** A bucket of a collective figure as it was published (or withheld, with the reason). */
export interface LedgerRow {
  start: number;
  /** null: withheld */
  value: number | null;
  series: number | null;
  households: number | null;
  /** how many households beyond the named ones it counted when published: > 0 makes it final */
  private: number;
  withheld: string | null;
}

/** A bucket that changed after it was evaluated (a late reading, a replay) and may be evaluated again. */
export interface LateMark {
  quantity: Quantity;
  period: number;
  start: number;
}

/**
 * A verdict as the commit log keeps it until the fold: [quantity, period, start, value, series,
 * households, private, withheld].
 */
export type LedgerEntry = [
  Quantity,
  number,
  number,
  number | null,
  number | null,
  number | null,
  number,
  string | null,
];

/**
 * The collective figures as published (docs/PRIVACY.md, table `published_buckets` in docs/DATA.md),
 * and what the publisher reads to decide them: each household's part of each bucket. A published
 * bucket that counted private households is never written again: once someone has read a figure, a
 * new version would give away exactly what changed. A withheld bucket may be published later (a household's replay brings the
 * remainder to k), so late writes to the rollups of evaluated buckets are marked, by TEMP triggers
 * on this connection, for the publisher to look at again.
 */
export class CollectiveLedger {
  private readonly db: Db;
  /** rollups, the table merged with the cells ingest holds in memory */
  private readonly rollups: RollupReader;
  private readonly stmts;
  /**
   * Verdicts since the last fold, per quantity and period, by bucket start: held in memory and kept
   * in the commit log like readings, written to the table at the fold (docs/DATA.md "Writes per
   * reading": a step a minute wrote ~45 pages to the write-ahead log)
   */
  private readonly held = new Map<string, HeldRows>();
  /** verdicts not yet in the commit log: the next commit's record takes them */
  private pending: LedgerEntry[] = [];
  /** while a batch runs: what each verdict replaced, to put back if the batch fails */
  private undo: Array<{ key: string; start: number; prev: LedgerRow | undefined }> | undefined;

  constructor(opts: { db: Db; rollups: RollupReader }) {
    this.db = opts.db;
    this.rollups = opts.rollups;
    this.db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS ledger_horizon (period INTEGER PRIMARY KEY, horizon INTEGER NOT NULL);
      -- marks are deleted and inserted, never INSERT OR IGNORE: the conflict clause of the outer
      -- statement (ingest's upsert of rollups) overrides a trigger's
      CREATE TEMP TABLE IF NOT EXISTS ledger_late (
        quantity TEXT NOT NULL, period INTEGER NOT NULL, start INTEGER NOT NULL,
        PRIMARY KEY (quantity, period, start)) WITHOUT ROWID;
      ${lateTrigger('insert', 'NEW')}
      -- an erasure: buckets decided with the erased data are decided again, except those whose
      -- published figure counted private households (it stays: a new one would publish the difference)
      ${lateTrigger('delete', 'OLD')}
      ${lateTrigger('update', 'NEW')}
    `);
    this.stmts = {
      // one row per bucket and household; the CROSS JOIN keeps rollups the inner loop, searched by
      // its primary key for each sensor of the quantity (series-query.ts does the same). A series its
      // node declares as a part of another (a meter's tariff register of its total) counts once, in
      // the whole (docs/METERS.md)
      gaugeParts: this.db.prepare(
        `SELECT r.start AS start, n.household_id AS household, sum(r.sum / r.count) AS value, count(*) AS series
         FROM sensors s JOIN nodes n ON n.id = s.node_id
         CROSS JOIN rollups r ON r.sensor_id = s.id AND r.period = ? AND r.start >= ? AND r.start < ?
         WHERE s.quantity = ? AND n.household_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)
         GROUP BY r.start, n.household_id ORDER BY r.start`,
      ),
      counterParts: this.db.prepare(
        `SELECT r.start AS start, n.household_id AS household, sum(r.sum) AS value, count(*) AS series
         FROM sensors s JOIN nodes n ON n.id = s.node_id
         CROSS JOIN rollups r ON r.sensor_id = s.id AND r.period = ? AND r.start >= ? AND r.start < ?
         WHERE s.quantity = ? AND n.household_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)
         GROUP BY r.start, n.household_id ORDER BY r.start`,
      ),
      // the series a quantity's figure counts, with their household: held cells are merged with them
      contributors: this.db
        .prepare(
          `SELECT s.id, n.household_id FROM sensors s JOIN nodes n ON n.id = s.node_id
           WHERE s.quantity = ? AND n.household_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)`,
        )
        .raw(),
      firstBucket: this.db
        .prepare(
          `SELECT min(r.start) FROM sensors s JOIN nodes n ON n.id = s.node_id
           CROSS JOIN rollups r ON r.sensor_id = s.id AND r.period = ?
           WHERE s.quantity = ? AND n.household_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM sensors w WHERE w.node_id = s.node_id AND w.sensor = s.part_of)`,
        )
        .pluck(),
      lastEvaluated: this.db
        .prepare('SELECT max(start) FROM published_buckets WHERE quantity = ? AND period = ?')
        .pluck(),
      rows: this.db.prepare(
        `SELECT start, value, series, households, private, withheld FROM published_buckets
         WHERE quantity = ? AND period = ? AND start >= ? AND start < ? ORDER BY start`,
      ),
      one: this.db.prepare(
        `SELECT start, value, series, households, private, withheld FROM published_buckets
         WHERE quantity = ? AND period = ? AND start = ?`,
      ),
      // at the fold: the held verdicts, whose rule was applied when they were made
      write: this.db.prepare(
        `INSERT INTO published_buckets (quantity, period, start, value, series, households, private, withheld)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (quantity, period, start) DO UPDATE SET
           value = excluded.value, series = excluded.series, households = excluded.households,
           private = excluded.private, withheld = excluded.withheld`,
      ),
      lateAll: this.db.prepare(
        'SELECT quantity, period, start FROM ledger_late ORDER BY quantity, period, start',
      ),
      clearLate: this.db.prepare('DELETE FROM ledger_late'),
      countLate: this.db.prepare('SELECT count(*) FROM ledger_late').pluck(),
      setHorizon: this.db.prepare(
        `INSERT INTO ledger_horizon (period, horizon) VALUES (?, ?)
         ON CONFLICT (period) DO UPDATE SET horizon = max(horizon, excluded.horizon)`,
      ),
    };
  }

  /**
   * True when something may have changed in buckets before `horizon` at `period` since they were
   * decided: late writes marked, or rollups of such buckets still held in memory.
   */
  pendingBefore(period: number, horizon: number): boolean {
    if (this.rollups.heldFrom(period) < horizon) return true;
    return (this.stmts.countLate.get() as number) > 0;
  }

  /**
   * Each household's part of each bucket [from, to) of a quantity at `period`: from the table up to
   * the first bucket ingest still holds cells of, then each series' stored and held cells merged.
   * Reading writes nothing.
   */
  parts(quantity: Quantity, counter: boolean, period: number, from: number, to: number): HouseholdBucket[] {
    const households = new Map(this.stmts.contributors.all(quantity) as [number, string][]);
    const split = Math.max(
      from,
      Math.min(
        to,
        this.rollups.heldFrom(period, (id) => households.has(id)),
      ),
    );
    const stmt = counter ? this.stmts.counterParts : this.stmts.gaugeParts;
    const out = split > from ? (stmt.all(period, from, split, quantity) as HouseholdBucket[]) : [];
    if (split >= to) return out;
    const merged = new Map<string, HouseholdBucket>();
    const bySeries = this.rollups.cellsOfEach(households.keys(), period, split, to);
    for (const [id, household] of households) {
      for (const c of bySeries.get(id) ?? []) {
        const key = `${c.start}\u0000${household}`;
        const part = merged.get(key) ?? { start: c.start, household, value: 0, series: 0 };
        part.value += counter ? c.sum : c.sum / c.count;
        part.series++;
        merged.set(key, part);
      }
    }
    return [...out, ...[...merged.values()].sort((a, b) => a.start - b.start)];
  }

  /** Where evaluation of a quantity resumes: after the last bucket evaluated, else its first rollup. */
  resumeAt(quantity: Quantity, period: number): number | null {
    const stored = this.stmts.lastEvaluated.get(quantity, period) as number | null;
    const newest = this.held.get(keyOf(quantity, period))?.last();
    const last = newest === undefined ? stored : Math.max(stored ?? Number.NEGATIVE_INFINITY, newest);
    if (last !== null) return last + period;
    return this.stmts.firstBucket.get(period, quantity) as number | null;
  }

  /** Marks buckets before `horizon` at `period` as evaluated: later writes to them are late. */
  evaluatedUpTo(period: number, horizon: number): void {
    this.stmts.setHorizon.run(period, horizon);
  }

  /**
   * Runs `decide` (which records verdicts) as one transaction of its reads; if it throws, every
   * verdict it recorded is taken back.
   */
  batch<T>(decide: () => T): T {
    this.undo = [];
    const pending = this.pending.length;
    try {
      return this.db.transaction(decide)();
    } catch (err) {
      for (const { key, start, prev } of this.undo.reverse()) {
        const bucket = this.held.get(key);
        if (prev) bucket?.set(prev);
        else bucket?.delete(start);
      }
      this.pending.length = pending;
      throw err;
    } finally {
      this.undo = undefined;
    }
  }

  /**
   * Records the verdicts of base buckets (a published one is never overwritten) and refreshes the
   * coarse buckets that contain them.
   */
  record(
    quantity: Quantity,
    base: number,
    counter: boolean,
    rows: readonly LedgerRow[],
    coarse: readonly number[],
  ): void {
    for (const r of rows) this.put(quantity, base, r);
    for (const period of coarse) {
      const starts = new Set(rows.map((r) => Math.floor(r.start / period) * period));
      for (const start of starts) {
        const row = derived(start, counter, this.rows(quantity, base, start, start + period));
        if (row && !sameRow(this.current(quantity, period, start), row)) this.hold(quantity, period, row);
      }
    }
  }

  /**
   * Records buckets decided at a coarser period than the base one (a counter's closed day): a
   * published one that counted private households is never written again, like a base bucket.
   */
  recordFinal(quantity: Quantity, period: number, rows: readonly LedgerRow[]): void {
    for (const r of rows) this.put(quantity, period, r);
  }

  /** Buckets of a quantity at `period` in [from, to), as published or withheld. */
  rows(quantity: Quantity, period: number, from: number, to: number): LedgerRow[] {
    const stored = this.stmts.rows.all(quantity, period, from, to) as LedgerRow[];
    const mine = this.held.get(keyOf(quantity, period))?.range(from, to) ?? [];
    if (mine.length === 0) return stored;
    const byStart = new Map(stored.map((r) => [r.start, r]));
    for (const r of mine) byStart.set(r.start, r);
    return [...byStart.values()].sort((a, b) => a.start - b.start);
  }

  /** The verdicts not yet in the commit log, taken for the next record (hub/src/store/readings-store.ts). */
  takePending(): LedgerEntry[] | undefined {
    if (this.pending.length === 0) return undefined;
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Verdicts taken for a record that did not reach the disk: they go into the next one. */
  giveBack(entries: readonly LedgerEntry[]): void {
    this.pending = [...entries, ...this.pending];
  }

  /** Verdicts of a record applied again after a crash: held as they were when it was written. */
  replay(entries: readonly LedgerEntry[]): void {
    for (const [quantity, period, start, value, series, households, priv, withheld] of entries)
      this.heldBucket(quantity, period).set({
        start,
        value,
        series,
        households,
        private: priv,
        withheld,
      });
  }

  /** Inside the fold's transaction: every held verdict into the table. */
  writeHeld(): void {
    for (const [key, bucket] of this.held) {
      const [quantity, period] = splitKey(key);
      for (const r of bucket.values())
        this.stmts.write.run(
          quantity,
          period,
          r.start,
          r.value,
          r.series,
          r.households,
          r.private,
          r.withheld,
        );
    }
  }

  /** After the fold committed: the table holds every verdict, the commit log starts over. */
  folded(): void {
    this.held.clear();
    this.pending = [];
  }

  /**
   * A verdict, unless the bucket was published counting private households (it stays as it was) or
   * the verdict is the one recorded already (buckets decided again after late writes, or after the
   * fold wrote the rollups they were decided from, mostly are): nothing to hold, log or write.
   */
  private put(quantity: Quantity, period: number, row: LedgerRow): void {
    const prev = this.current(quantity, period, row.start);
    if (prev && prev.withheld === null && prev.private > 0) return;
    if (sameRow(prev, row)) return;
    this.hold(quantity, period, row);
  }

  /** The verdict recorded for a bucket: held since the last fold, else in the table. */
  private current(quantity: Quantity, period: number, start: number): LedgerRow | undefined {
    return (
      this.held.get(keyOf(quantity, period))?.get(start) ??
      (this.stmts.one.get(quantity, period, start) as LedgerRow | undefined)
    );
  }

  private hold(quantity: Quantity, period: number, row: LedgerRow): void {
    const key = keyOf(quantity, period);
    const bucket = this.heldBucket(quantity, period);
    this.undo?.push({ key, start: row.start, prev: bucket.get(row.start) });
    const r: LedgerRow = {
      start: row.start,
      value: row.value,
      series: row.series,
      households: row.households,
      private: row.private,
      withheld: row.withheld,
    };
    bucket.set(r);
    this.pending.push([quantity, period, r.start, r.value, r.series, r.households, r.private, r.withheld]);
  }

  private heldBucket(quantity: Quantity, period: number): HeldRows {
    const key = keyOf(quantity, period);
    let bucket = this.held.get(key);
    if (!bucket) {
      bucket = new HeldRows();
      this.held.set(key, bucket);
    }
    return bucket;
  }

  /** Takes the marks of late writes since the last call. */
  takeLate(): LateMark[] {
    const marks = this.stmts.lateAll.all() as LateMark[];
    if (marks.length > 0) this.stmts.clearLate.run();
    return marks;
  }
}

/**
 * A trigger marking late the bucket a change of `main.rollups` touches, when it lies before what
 * the publisher has decided: the publisher looks at it again. `row` is the changed row (NEW or OLD).
 */
function lateTrigger(event: 'insert' | 'update' | 'delete', row: 'NEW' | 'OLD'): string {
  return `CREATE TEMP TRIGGER IF NOT EXISTS ledger_late_${event} AFTER ${event.toUpperCase()} ON main.rollups
        WHEN ${row}.start < (SELECT horizon FROM ledger_horizon WHERE period = ${row}.period)
        BEGIN
          DELETE FROM ledger_late WHERE period = ${row}.period AND start = ${row}.start
            AND quantity = (SELECT quantity FROM main.sensors WHERE id = ${row}.sensor_id);
          INSERT INTO ledger_late (quantity, period, start)
          SELECT quantity, ${row}.period, ${row}.start FROM main.sensors WHERE id = ${row}.sensor_id;
        END;`;
}

/**
 * The verdicts held for one quantity and period, by bucket start, kept in order: a history decided
 * at once holds tens of thousands, and every coarse bucket refreshed reads a range of them.
 */
class HeldRows {
  private readonly byStart = new Map<number, LedgerRow>();
  /** the starts, ascending (decisions mostly come in order: appended) */
  private readonly starts: number[] = [];

  get(start: number): LedgerRow | undefined {
    return this.byStart.get(start);
  }

  set(row: LedgerRow): void {
    if (!this.byStart.has(row.start)) {
      const at = this.lowerBound(row.start);
      if (at === this.starts.length) this.starts.push(row.start);
      else this.starts.splice(at, 0, row.start);
    }
    this.byStart.set(row.start, row);
  }

  delete(start: number): void {
    if (!this.byStart.delete(start)) return;
    this.starts.splice(this.lowerBound(start), 1);
  }

  /** The rows of buckets starting in [from, to), in order. */
  range(from: number, to: number): LedgerRow[] {
    const out: LedgerRow[] = [];
    for (let i = this.lowerBound(from); i < this.starts.length; i++) {
      const start = this.starts[i] as number;
      if (start >= to) break;
      out.push(this.byStart.get(start) as LedgerRow);
    }
    return out;
  }

  last(): number | undefined {
    return this.starts[this.starts.length - 1];
  }

  values(): IterableIterator<LedgerRow> {
    return this.byStart.values();
  }

  private lowerBound(start: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function sameRow(a: LedgerRow | undefined, b: LedgerRow): boolean {
  return (
    a !== undefined &&
    a.value === b.value &&
    a.series === b.series &&
    a.households === b.households &&
    a.private === b.private &&
    a.withheld === b.withheld
  );
}

function keyOf(quantity: Quantity, period: number): string {
  return `${quantity}\u0000${period}`;
}

function splitKey(key: string): [Quantity, number] {
  const [quantity, period] = key.split('\u0000');
  return [quantity as Quantity, Number(period)];
}

/**
 * A coarse bucket made of the base buckets inside it (their mean for gauges, their sum for
 * counters): it adds nothing to what the base buckets publish. A counter's bucket with a withheld
 * base bucket in it is withheld as `partial`, and so is a bucket with no published base bucket.
 */
function derived(start: number, counter: boolean, base: readonly LedgerRow[]): LedgerRow | undefined {
  if (base.length === 0) return undefined;
  const values = base.flatMap((r) => (r.value === null ? [] : [r.value]));
  const anyWithheld = base.some((r) => r.withheld !== null);
  const most = (pick: (r: LedgerRow) => number | null) => {
    const xs = base.flatMap((r) => {
      const x = pick(r);
      return x === null ? [] : [x];
    });
    return xs.length > 0 ? Math.max(...xs) : null;
  };
  const value = counter
    ? anyWithheld
      ? null
      : values.reduce((a, b) => a + b, 0)
    : values.length > 0
      ? values.reduce((a, b) => a + b, 0) / values.length
      : null;
  return {
    start,
    value,
    series: most((r) => r.series),
    households: most((r) => r.households),
    private: most((r) => r.private) ?? 0,
    withheld: (counter && anyWithheld) || values.length === 0 ? 'partial' : null,
  };
}
