import type { Db } from './db.ts';

/** One bucket of a collective aggregate, as the collective SQL returns it. */
export interface CollectiveRow {
  start: number;
  total: number;
  sumOfMeans: number;
  meanOfMeans: number;
  min: number;
  max: number;
  households: number;
}

type Compute = (from: number, to: number) => CollectiveRow[];

interface Entry<D> {
  period: number;
  compute: Compute;
  /** buckets [lo, hi) are computed; `rows` holds those that have data */
  lo: number;
  hi: number;
  rows: Map<number, CollectiveRow>;
  /** the last range `derived` was asked for, and what was made of its rows */
  derived?: { from: number; to: number; value: D };
}

/** A (quantity, period) entry past this many buckets starts over: memory stays bounded. */
const MAX_ROWS = 50_000;
/** Past this many late buckets at once (a long replay), emptying the cache is cheaper. */
const MAX_LATE = 2_000;

/**
 * Collective aggregates of closed buckets, kept in memory. A chart of the whole neighbourhood reads
 * every sensor's rollups (288,000 rows for a day of 200 series at minute step, ~300 ms), and every
 * screen asks for the same buckets again a few seconds later; closed buckets only change when late
 * readings, an erasure or a change of household reach the rollups, sensors or nodes tables.
 * TEMP triggers on this connection watch exactly those writes (ingest's upserts of open buckets,
 * which start at or after their period's horizon, leave them alone): a late reading marks its
 * buckets, which are computed again alone (a node replaying an hour after a Wi-Fi cut cost a
 * recompute of every chart, ~400 ms on the hub's thread); an erasure or a change of household
 * bumps an epoch, which empties the cache. Writes by another process (the sqlite3 shell) are not
 * seen until the hub restarts.
 */
export class CollectiveCache<D> {
  private readonly db: Db;
  private readonly entries = new Map<string, Entry<D>>();
  private epoch = 0;
  /** the last mark of `collective_late` this cache applied */
  private lateSeen = 0;
  /** period → end of the cached buckets: writes to buckets that start before it are late */
  private readonly horizons = new Map<number, number>();
  private readonly readEpoch;
  private readonly readLate;
  private readonly lastLate;
  private readonly countLate;
  private readonly pruneLate;
  private readonly setHorizon;

  constructor(opts: { db: Db }) {
    this.db = opts.db;
    // horizons are kept per period: an hour bucket that is still open starts long before the
    // minute buckets already cached, and its upserts by live ingest must not empty the cache
    this.db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS collective_epoch (n INTEGER NOT NULL);
      INSERT INTO collective_epoch SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM collective_epoch);
      CREATE TEMP TABLE IF NOT EXISTS collective_horizon (period INTEGER PRIMARY KEY, horizon INTEGER NOT NULL);
      -- a bucket marked again gets a new id: every cache on this connection applies marks past its
      -- last; deleted and inserted, since an outer INSERT's conflict clause overrides a trigger's
      CREATE TEMP TABLE IF NOT EXISTS collective_late (
        id INTEGER PRIMARY KEY AUTOINCREMENT, period INTEGER NOT NULL, start INTEGER NOT NULL, UNIQUE (period, start));
      CREATE TEMP TRIGGER IF NOT EXISTS collective_late_insert AFTER INSERT ON main.rollups
        WHEN NEW.start < (SELECT horizon FROM collective_horizon WHERE period = NEW.period)
        BEGIN
          DELETE FROM collective_late WHERE period = NEW.period AND start = NEW.start;
          INSERT INTO collective_late (period, start) VALUES (NEW.period, NEW.start);
        END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_late_update AFTER UPDATE ON main.rollups
        WHEN NEW.start < (SELECT horizon FROM collective_horizon WHERE period = NEW.period)
        BEGIN
          DELETE FROM collective_late WHERE period = NEW.period AND start = NEW.start;
          INSERT INTO collective_late (period, start) VALUES (NEW.period, NEW.start);
        END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_rollup_delete AFTER DELETE ON main.rollups
        WHEN OLD.start < (SELECT horizon FROM collective_horizon WHERE period = OLD.period)
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_node_move AFTER UPDATE OF household_id ON main.nodes
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_node_delete AFTER DELETE ON main.nodes
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_sensor_change AFTER UPDATE OF quantity, node_id, part_of ON main.sensors
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      -- a new series may be the whole that some older series are parts of: they stop counting
      CREATE TEMP TRIGGER IF NOT EXISTS collective_whole_insert AFTER INSERT ON main.sensors
        WHEN EXISTS (SELECT 1 FROM main.sensors p WHERE p.node_id = NEW.node_id AND p.part_of = NEW.sensor)
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_sensor_delete AFTER DELETE ON main.sensors
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      -- a household starting or stopping sharing changes which series make the named part
      CREATE TEMP TRIGGER IF NOT EXISTS collective_sharing_insert AFTER INSERT ON main.sharing_periods
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_sharing_update AFTER UPDATE ON main.sharing_periods
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS collective_sharing_delete AFTER DELETE ON main.sharing_periods
        BEGIN UPDATE collective_epoch SET n = n + 1; END;
    `);
    this.readEpoch = this.db.prepare('SELECT n FROM collective_epoch').pluck();
    this.readLate = this.db
      .prepare('SELECT id, period, start FROM collective_late WHERE id > ? ORDER BY period, start')
      .raw();
    this.lastLate = this.db.prepare('SELECT coalesce(max(id), 0) FROM collective_late').pluck();
    this.countLate = this.db.prepare('SELECT count(*) FROM collective_late').pluck();
    // every cache on the connection starts over, so none misses a mark
    this.pruneLate = this.db.transaction(() => {
      this.db.exec('DELETE FROM collective_late; UPDATE collective_epoch SET n = n + 1;');
    });
    this.setHorizon = this.db.prepare(
      `INSERT INTO collective_horizon (period, horizon) VALUES (?, ?)
       ON CONFLICT (period) DO UPDATE SET horizon = max(horizon, excluded.horizon)`,
    );
  }

  /**
   * What `derive` makes of the rows of buckets [from, to) of `key` (a quantity at `period`), all
   * closed (to ≤ the start of the open bucket). Rows come from memory where computed already, the
   * rest through `compute`, called for the missing ranges only. The derived value (the response's
   * JSON text) is kept until those rows change: every screen asks for the same closed range, which
   * moves only when a bucket closes, and serialising a day of minutes anew cost ~1 ms (bench/queries.ts).
   */
  derived(
    key: string,
    period: number,
    from: number,
    to: number,
    compute: Compute,
    derive: (rows: CollectiveRow[]) => D,
  ): D {
    if (to <= from) return derive([]);
    const e = this.entry(key, period, from, to, compute);
    if (e.derived?.from !== from || e.derived.to !== to) {
      e.derived = { from, to, value: derive(this.slice(e, from, to)) };
    }
    return e.derived.value;
  }

  /** The entry of `key`, emptied when closed buckets changed, holding at least [from, to). */
  private entry(key: string, period: number, from: number, to: number, compute: Compute): Entry<D> {
    const epoch = this.readEpoch.get() as number;
    if (epoch !== this.epoch) {
      this.entries.clear();
      this.epoch = epoch;
      this.lateSeen = this.lastLate.get() as number;
    }
    this.applyLate();
    let e = this.entries.get(key);
    if (!e || e.rows.size > MAX_ROWS || to < e.lo || from > e.hi) {
      e = { period, compute, lo: from, hi: from, rows: new Map() };
      this.entries.set(key, e);
    }
    const entry = e;
    const add = (a: number, b: number) => {
      for (const row of compute(a, b)) entry.rows.set(row.start, row);
    };
    if (from < e.lo) {
      add(from, e.lo);
      e.lo = from;
    }
    if (to > e.hi) {
      add(e.hi, to);
      e.hi = to;
    }
    if (to > (this.horizons.get(period) ?? 0)) {
      this.horizons.set(period, to);
      this.setHorizon.run(period, to);
    }
    return e;
  }

  /** Computes again the cached buckets that late readings changed, a run of buckets at a time. */
  private applyLate(): void {
    const marks = this.readLate.all(this.lateSeen) as [id: number, period: number, start: number][];
    if (marks.length === 0) return;
    for (const [id] of marks) this.lateSeen = Math.max(this.lateSeen, id);
    if ((this.countLate.get() as number) > MAX_LATE) {
      this.pruneLate();
      this.entries.clear();
      this.epoch = this.readEpoch.get() as number;
      this.lateSeen = 0;
      return;
    }
    for (const e of this.entries.values()) {
      const starts = marks.filter(([, p, s]) => p === e.period && s >= e.lo && s < e.hi).map(([, , s]) => s);
      if (starts.length === 0) continue;
      e.derived = undefined;
      let i = 0;
      while (i < starts.length) {
        // marks come sorted: consecutive buckets make one range, read with one query
        let j = i;
        while (j + 1 < starts.length && (starts[j + 1] as number) === (starts[j] as number) + e.period) j++;
        const a = starts[i] as number;
        const b = (starts[j] as number) + e.period;
        for (let s = a; s < b; s += e.period) e.rows.delete(s);
        for (const row of e.compute(a, b)) e.rows.set(row.start, row);
        i = j + 1;
      }
    }
  }

  private slice(e: Entry<D>, from: number, to: number): CollectiveRow[] {
    const out: CollectiveRow[] = [];
    for (const row of e.rows.values()) if (row.start >= from && row.start < to) out.push(row);
    return out.sort((a, b) => a.start - b.start);
  }
}
