import type { Db } from './db.ts';
import { RawReadings } from './raw-readings.ts';
import { bucketStart, PERIODS, RollupAccumulator, type RollupCell } from './rollup.ts';
import type { HeldRollups } from './rollup-reader.ts';
import { withoutSync } from './wal-sync.ts';

/** The `settings` row saying up to when deferred rollups were written (epoch ms). */
export const FLUSHED_AT_KEY = 'rollups.flushed_at';
/** Deferred rollups are written at least this often while readings come in. */
export const FLUSH_EVERY_MS = 60_000;

const MINUTE = PERIODS.minute;

/** Adds a cell (a partial aggregate of one bucket) to the stored one. */
export const UPSERT_ROLLUP = `INSERT INTO rollups (sensor_id, period, start, count, sum, min, max, last, last_ts)
  VALUES (@sensorId, @period, @start, @count, @sum, @min, @max, @last, @lastTs)
  ON CONFLICT (sensor_id, period, start) DO UPDATE SET
    count = count + excluded.count,
    sum = sum + excluded.sum,
    min = min(min, excluded.min),
    max = max(max, excluded.max),
    last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END,
    last_ts = max(last_ts, excluded.last_ts)`;

/**
 * Rollups of recent readings, held in memory and written about once a minute instead of at every
 * commit. A commit used to rewrite three rollup rows (minute, hour, day) for every series in it,
 * each on its own page: at 200 households that was most of the ~5 KB written per reading, and at
 * 500 busy series most of a commit's time (docs/PERFORMANCE.md). Held, a minute bucket is written
 * once, when its readings are in.
 *
 * Only readings at or after `deferFrom()` — a minute before the last write — wait in memory; older
 * ones (a node's store-and-forward replay) update their rollups in their own commit. So after a
 * crash, the rollups that may be missing are those from `deferFrom()` on: `recover()` rebuilds
 * those minutes from the raw readings (which were committed before their PUBACK), then the hours
 * and days that contain them from the minutes. The held rollups are written by the next commit once
 * a minute has passed, and when the hub stops; until then readers merge them with the table
 * (hub/src/store/rollup-reader.ts): a read never writes.
 */
export class RollupBuffer implements HeldRollups {
  private readonly db: Db;
  private readonly now: () => number;
  private held = new RollupAccumulator();
  private flushedAt: number;
  private readonly stmts;

  constructor(opts: { db: Db; now?: () => number }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    const db = this.db;
    this.stmts = {
      upsert: db.prepare(UPSERT_ROLLUP),
      replace: db.prepare(
        `INSERT OR REPLACE INTO rollups (sensor_id, period, start, count, sum, min, max, last, last_ts)
         VALUES (@sensorId, @period, @start, @count, @sum, @min, @max, @last, @lastTs)`,
      ),
      marker: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      readMarker: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      rowsFrom: db.prepare('SELECT sensor_id, ts, value FROM readings WHERE ts >= ?').raw(),
      blockSensorsFrom: db.prepare('SELECT DISTINCT sensor_id FROM reading_blocks WHERE t1 >= ?').pluck(),
      cellsFrom: db
        .prepare(
          `SELECT sensor_id, start, count, sum, min, max, last, last_ts FROM rollups
           WHERE period = ? AND start >= ?`,
        )
        .raw(),
      deleteFrom: db.prepare('DELETE FROM rollups WHERE period = ? AND start >= ?'),
    };
    const marker = this.stmts.readMarker.get(FLUSHED_AT_KEY) as string | undefined;
    this.flushedAt = marker === undefined ? Number.NaN : Number(marker);
  }

  heldCells(period: number): Iterable<RollupCell> {
    return this.held.cellsOf(period);
  }

  /** Readings at or after this time may wait in memory; older ones are written with their commit. */
  deferFrom(): number {
    // a database that never had a marker: nothing waits until the first write sets one
    if (!Number.isFinite(this.flushedAt)) return Number.POSITIVE_INFINITY;
    return bucketStart(this.flushedAt, MINUTE) - MINUTE;
  }

  get heldCount(): number {
    return this.held.size;
  }

  /**
   * Inside a commit's transaction: writes the held rollups and `fresh` (this commit's deferred
   * ones) when a write is due, and says whether it did. Then `committed` must follow the commit.
   */
  writeIfDue(fresh: RollupAccumulator): boolean {
    const now = this.now();
    const due =
      !Number.isFinite(this.flushedAt) || now - this.flushedAt >= FLUSH_EVERY_MS || now < this.flushedAt;
    if (!due) return false;
    for (const cell of this.held.values()) this.stmts.upsert.run(cell);
    for (const cell of fresh.values()) this.stmts.upsert.run(cell);
    this.stmts.marker.run(FLUSHED_AT_KEY, String(this.nextMarker(now)));
    return true;
  }

  /** After the commit that called `writeIfDue`: forget what it wrote, or keep `fresh` for later. */
  committed(fresh: RollupAccumulator, wrote: boolean): void {
    if (wrote) {
      this.held = new RollupAccumulator();
      this.flushedAt = this.nextMarker(this.now());
    } else this.held.merge(fresh);
  }

  /**
   * Writes the held rollups now. Not synced to disk on its own: what it writes can be rebuilt from
   * the raw readings, and the marker goes back with it if a power cut takes it.
   */
  flush(): void {
    if (this.held.size === 0 || !this.db.open) return;
    const now = this.now();
    const write = () => {
      for (const cell of this.held.values()) this.stmts.upsert.run(cell);
      this.stmts.marker.run(FLUSHED_AT_KEY, String(this.nextMarker(now)));
    };
    if (this.db.inTransaction) write();
    else withoutSync(this.db, () => this.db.transaction(write)());
    this.held = new RollupAccumulator();
    this.flushedAt = this.nextMarker(now);
  }

  /** How many held cells belong to these series. */
  heldCountOf(sensorIds: ReadonlySet<number>): number {
    let n = 0;
    for (const c of this.held.values()) if (sensorIds.has(c.sensorId)) n++;
    return n;
  }

  /** Held rollups of these series are dropped (erasure): they must not be written afterwards. */
  forget(sensorIds: readonly number[]): void {
    if (this.held.size > 0) this.held.drop(new Set(sensorIds));
  }

  /**
   * At start: rebuilds the rollups that may have been held in memory when the hub last stopped
   * (the minutes from `deferFrom()` from raw readings, then their hours and days from the minutes).
   * A clean stop wrote them, so this finds the same values; after a crash it restores them.
   */
  recover(): number {
    if (!Number.isFinite(this.flushedAt)) return 0;
    const from = this.deferFrom();
    return this.db.transaction(() => {
      const minutes = new RollupAccumulator([MINUTE]);
      for (const [sensorId, ts, value] of this.stmts.rowsFrom.iterate(from) as Iterable<
        [number, number, number]
      >)
        minutes.add(sensorId, ts, value);
      // readings that old are normally still rows; blocks are read too, in case a stopped hub's
      // clock or a long pause let the packer reach them
      const raw = new RawReadings({ db: this.db });
      for (const sensorId of this.stmts.blockSensorsFrom.all(from) as number[]) {
        for (const r of raw.range(sensorId, from, Number.MAX_SAFE_INTEGER)) {
          minutes.add(sensorId, r.ts, r.value);
        }
      }
      let n = this.rewrite(MINUTE, from, minutes);
      n += this.rewrite(
        PERIODS.hour,
        bucketStart(from, PERIODS.hour),
        this.rollUp(MINUTE, PERIODS.hour, from),
      );
      n += this.rewrite(
        PERIODS.day,
        bucketStart(from, PERIODS.day),
        this.rollUp(PERIODS.hour, PERIODS.day, from),
      );
      return n;
    })();
  }

  /** Cells of `period` from the stored cells of the finer `finer` period, for buckets at or after `from`. */
  private rollUp(finer: number, period: number, from: number): RollupAccumulator {
    const out = new RollupAccumulator([period]);
    const rows = this.stmts.cellsFrom.iterate(finer, bucketStart(from, period)) as Iterable<
      [number, number, number, number, number, number, number, number]
    >;
    for (const [sensorId, start, count, sum, min, max, last, lastTs] of rows) {
      out.addCell({
        sensorId,
        period,
        start: bucketStart(start, period),
        count,
        sum,
        min,
        max,
        last,
        lastTs,
      });
    }
    return out;
  }

  private rewrite(period: number, from: number, cells: RollupAccumulator): number {
    this.stmts.deleteFrom.run(period, from);
    for (const cell of cells.values()) if (cell.start >= from) this.stmts.replace.run(cell);
    return cells.size;
  }

  /** The marker never goes back, even if the clock does: deferred readings stay after it. */
  private nextMarker(now: number): number {
    return Number.isFinite(this.flushedAt) ? Math.max(this.flushedAt, now) : now;
  }
}

export type { RollupCell };
