import type { Db } from './db.ts';
import { RawReadings } from './raw-readings.ts';
import { bucketStart, PERIODS, RollupAccumulator, type RollupCell } from './rollup.ts';
import type { HeldRollups } from './rollup-reader.ts';

/** The marker of an earlier version: up to when its held rollups had been written (epoch ms). */
export const LEGACY_MARKER_KEY = 'rollups.flushed_at';

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
 * Rollups of the readings since the last fold, held in memory (hub/src/store/readings-store.ts):
 * the fold writes each cell once, where a commit used to rewrite three rollup rows (minute, hour,
 * day) for every series in it, each on its own page. Readers merge them with the table
 * (hub/src/store/rollup-reader.ts): a read never writes. After a crash the commit log's records are
 * applied again, which rebuilds them.
 */
export class RollupBuffer implements HeldRollups {
  private readonly db: Db;
  private held = new RollupAccumulator();
  private readonly stmts;

  constructor(opts: { db: Db }) {
    this.db = opts.db;
    const db = this.db;
    this.stmts = {
      upsert: db.prepare(UPSERT_ROLLUP),
      replace: db.prepare(
        `INSERT OR REPLACE INTO rollups (sensor_id, period, start, count, sum, min, max, last, last_ts)
         VALUES (@sensorId, @period, @start, @count, @sum, @min, @max, @last, @lastTs)`,
      ),
      readMarker: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      dropMarker: db.prepare('DELETE FROM settings WHERE key = ?'),
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
  }

  heldCells(period: number): Iterable<RollupCell> {
    return this.held.cellsOf(period);
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** How many held cells belong to these series. */
  heldCountOf(sensorIds: ReadonlySet<number>): number {
    let n = 0;
    for (const c of this.held.values()) if (sensorIds.has(c.sensorId)) n++;
    return n;
  }

  add(sensorId: number, ts: number, value: number): void {
    this.held.add(sensorId, ts, value);
  }

  /** Inside the fold's transaction: every held cell added to the stored one. */
  write(): void {
    for (const cell of this.held.values()) this.stmts.upsert.run(cell);
  }

  clear(): void {
    this.held = new RollupAccumulator();
  }

  /** Held rollups of these series are dropped (erasure): they must not be written afterwards. */
  forget(sensorIds: readonly number[]): void {
    if (this.held.size > 0) this.held.drop(new Set(sensorIds));
  }

  /**
   * A database written by an earlier version, which held rollups for a minute and marked up to when
   * they were written, may have lost the last minute of them in a crash: rebuilt once from the raw
   * readings, then the marker goes.
   */
  recoverLegacy(): number {
    const marker = this.stmts.readMarker.get(LEGACY_MARKER_KEY) as string | undefined;
    if (marker === undefined) return 0;
    const n = this.rebuildFrom(bucketStart(Number(marker), MINUTE) - MINUTE);
    this.stmts.dropMarker.run(LEGACY_MARKER_KEY);
    return n;
  }

  /** Rebuilds the rollups of buckets from `from` on: minutes from raw readings, hours and days from minutes. */
  private rebuildFrom(from: number): number {
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
}

export type { RollupCell };
