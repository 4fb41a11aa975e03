import type { Quantity } from '../../../protocol/index.ts';
import { type Db, withoutSync } from './db.ts';
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
      // a bucket published with private households in it stays as it is: only a withheld one, or
      // one that only named households made, is decided again
      put: this.db.prepare(
        `INSERT INTO published_buckets (quantity, period, start, value, series, households, private, withheld)
         VALUES (@quantity, @period, @start, @value, @series, @households, @private, @withheld)
         ON CONFLICT (quantity, period, start) DO UPDATE SET
           value = excluded.value, series = excluded.series, households = excluded.households,
           private = excluded.private, withheld = excluded.withheld
         WHERE published_buckets.withheld IS NOT NULL OR published_buckets.private = 0`,
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
      // coarse buckets made of the published base buckets inside them (their mean for gauges,
      // their sum for counters): they add nothing to what the base buckets publish
      derive: this.db.prepare(
        `INSERT INTO published_buckets (quantity, period, start, value, series, households, private, withheld)
         SELECT @quantity, @period, @start,
                CASE WHEN @counter THEN (CASE WHEN count(*) FILTER (WHERE withheld IS NOT NULL) = 0 THEN sum(value) END)
                     ELSE avg(value) END,
                max(series), max(households), max(private),
                CASE WHEN @counter AND count(*) FILTER (WHERE withheld IS NOT NULL) > 0 THEN 'partial'
                     WHEN count(value) = 0 THEN 'partial' END
         FROM published_buckets
         WHERE quantity = @quantity AND period = @base AND start >= @start AND start < @start + @period
         HAVING count(*) > 0
         ON CONFLICT (quantity, period, start) DO UPDATE SET
           value = excluded.value, series = excluded.series, households = excluded.households,
           private = excluded.private, withheld = excluded.withheld`,
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
    for (const [id, household] of households) {
      for (const c of this.rollups.cells(id, period, split, to)) {
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
    const last = this.stmts.lastEvaluated.get(quantity, period) as number | null;
    if (last !== null) return last + period;
    return this.stmts.firstBucket.get(period, quantity) as number | null;
  }

  /** Marks buckets before `horizon` at `period` as evaluated: later writes to them are late. */
  evaluatedUpTo(period: number, horizon: number): void {
    this.stmts.setHorizon.run(period, horizon);
  }

  /**
   * Runs `decide` (which records verdicts) as one transaction: the verdicts of every quantity in a
   * step of the publisher reach the write-ahead log together, so the pages they share (the table's
   * upper levels, a quantity's hour and day) are written once, not once per quantity (docs/DATA.md
   * "Writes per reading"). Not synced on its own, like each record: the next fold carries it.
   */
  batch<T>(decide: () => T): T {
    return withoutSync(this.db, () => this.db.transaction(decide)());
  }

  /**
   * Records the verdicts of base buckets (a published one is never overwritten) and refreshes the
   * coarse buckets that contain them, in one transaction.
   */
  record(
    quantity: Quantity,
    base: number,
    counter: boolean,
    rows: readonly LedgerRow[],
    coarse: readonly number[],
  ): void {
    if (rows.length === 0) return;
    // a verdict every minute and quantity: not synced on its own (an SD card would get a sync a
    // minute per quantity); the next fold's synced transaction carries it to the disk
    withoutSync(this.db, () =>
      this.db.transaction(() => {
        for (const r of rows) this.stmts.put.run({ quantity, period: base, ...r });
        for (const period of coarse) {
          const starts = new Set(rows.map((r) => Math.floor(r.start / period) * period));
          for (const start of starts)
            this.stmts.derive.run({ quantity, period, base, start, counter: counter ? 1 : 0 });
        }
      })(),
    );
  }

  /**
   * Records buckets decided at a coarser period than the base one (a counter's closed day): a
   * published one that counted private households is never written again, like a base bucket.
   */
  recordFinal(quantity: Quantity, period: number, rows: readonly LedgerRow[]): void {
    if (rows.length === 0) return;
    withoutSync(this.db, () =>
      this.db.transaction(() => {
        for (const r of rows) this.stmts.put.run({ quantity, period, ...r });
      })(),
    );
  }

  /** Buckets of a quantity at `period` in [from, to), as published or withheld. */
  rows(quantity: Quantity, period: number, from: number, to: number): LedgerRow[] {
    return this.stmts.rows.all(quantity, period, from, to) as LedgerRow[];
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
