import type { Db } from './db.ts';
import { RawReadings } from './raw-readings.ts';
import { bucketStart, PERIODS, RollupAccumulator, type RollupCell } from './rollup.ts';
import { cellOf, type HeldRollups, type Row } from './rollup-reader.ts';

/** The marker of an earlier version: up to when its held rollups had been written (epoch ms). */
export const LEGACY_MARKER_KEY = 'rollups.flushed_at';

/**
 * From which bucket on the hour and day cells are held until their period closes, per period (JSON
 * `{"3600000": ts, "86400000": ts}`): the table has no part of those buckets (docs/DATA.md).
 */
export const OPEN_FROM_KEY = 'rollups.open_from';

const MINUTE = PERIODS.minute;
/** The periods whose cells stay in memory while their bucket is open: an hour, a day. */
const COARSE = [PERIODS.hour, PERIODS.day] as const;
/** Earlier than any bucket: a bound SQLite compares as an integer. */
const NO_BUCKET = Number.MIN_SAFE_INTEGER;

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
 *
 * An hour or a day cell stays in memory across folds until its period has closed, and is written
 * once: a fold of an open hour wrote the series' minute, hour and day leaves, three pages where one
 * is needed (docs/DATA.md "Writes per reading"). From `openFrom` on the table holds no part of an
 * hour or a day: the minute cells, always written, hold what was folded of them, so at start the
 * held cells are rebuilt from the minutes (and the day from the closed hours), exactly.
 */
export class RollupBuffer implements HeldRollups {
  private readonly db: Db;
  private held = new RollupAccumulator();
  /** per coarse period: buckets from here on are held until closed; the table has none of them */
  private openFrom = new Map<number, number>();
  /** what `write` kept in memory, and up to where it wrote: applied by `clear` once the fold is done */
  private afterWrite: { kept: RollupAccumulator; openFrom: Map<number, number> } | undefined;
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
      sensorIds: db.prepare('SELECT id FROM sensors').pluck(),
      newestStart: db.prepare('SELECT max(start) FROM rollups WHERE sensor_id = ? AND period = ?').pluck(),
      seriesCells: db
        .prepare(
          `SELECT start, count, sum, min, max, last, last_ts FROM rollups
           WHERE sensor_id = ? AND period = ? AND start >= ? AND start < ?`,
        )
        .raw(),
      setMarker: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
    this.restoreOpen();
  }

  /** The first bucket of `period` whose cells are held until it closes (an hour or a day). */
  openFromOf(period: number): number {
    return this.openFrom.get(period) ?? Number.POSITIVE_INFINITY;
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

  /**
   * Inside the fold's transaction: every held cell added to the stored one, except the hour and day
   * cells of periods still open at `now`; `all` (the stop): those too, and the table is whole.
   */
  write(now: number, all = false): void {
    const openFrom = new Map<number, number>();
    for (const period of COARSE) {
      let from = Math.max(this.openFrom.get(period) ?? NO_BUCKET, bucketStart(now, period));
      if (all) for (const c of this.held.cellsOf(period)) from = Math.max(from, c.start + period);
      openFrom.set(period, from);
    }
    const kept = new RollupAccumulator();
    for (const cell of this.held.values()) {
      if (cell.start >= (openFrom.get(cell.period) ?? Number.POSITIVE_INFINITY)) kept.addCell(cell);
      else this.stmts.upsert.run(cell);
    }
    if (COARSE.some((p) => openFrom.get(p) !== this.openFrom.get(p)))
      this.stmts.setMarker.run(OPEN_FROM_KEY, JSON.stringify(Object.fromEntries(openFrom)));
    this.afterWrite = { kept, openFrom };
  }

  /** After a fold: what was written leaves memory; the open hours and days stay. */
  clear(): void {
    this.held = this.afterWrite?.kept ?? new RollupAccumulator();
    if (this.afterWrite) this.openFrom = this.afterWrite.openFrom;
    this.afterWrite = undefined;
  }

  /** Held rollups of these series are dropped (erasure): they must not be written afterwards. */
  forget(sensorIds: readonly number[]): void {
    if (this.held.size > 0) this.held.drop(new Set(sensorIds));
  }

  /**
   * The hour and day cells held when the last fold ran, rebuilt from the table: an open hour from
   * its minutes, an open day from its closed hours and the open hour. A database without the marker
   * (written before hours were held) has whole hour and day cells: buckets after its newest ones
   * are the open ones.
   */
  private restoreOpen(): void {
    const stored = this.stmts.readMarker.get(OPEN_FROM_KEY) as string | undefined;
    const ids = this.stmts.sensorIds.all() as number[];
    if (stored !== undefined) {
      for (const [period, from] of Object.entries(JSON.parse(stored) as Record<string, number>))
        this.openFrom.set(Number(period), from);
    } else {
      for (const period of COARSE) {
        let from = NO_BUCKET;
        for (const id of ids) {
          const newest = this.stmts.newestStart.get(id, period) as number | null;
          if (newest !== null) from = Math.max(from, newest + period);
        }
        this.openFrom.set(period, from);
      }
    }
    const hourFrom = this.openFromOf(PERIODS.hour);
    const dayFrom = this.openFromOf(PERIODS.day);
    // a finer period's stored cell, counted in the coarser cell of its bucket
    const rolledUp = (id: number, period: number, r: Row) => {
      const cell = cellOf(id, period, r);
      return { ...cell, start: bucketStart(cell.start, period) };
    };
    const rows = (id: number, period: number, from: number, to: number) =>
      this.stmts.seriesCells.iterate(id, period, from, to) as Iterable<Row>;
    for (const id of ids) {
      for (const r of rows(id, MINUTE, hourFrom, Number.MAX_SAFE_INTEGER))
        this.held.addCell(rolledUp(id, PERIODS.hour, r));
      for (const r of rows(id, PERIODS.hour, dayFrom, hourFrom))
        this.held.addCell(rolledUp(id, PERIODS.day, r));
    }
    for (const c of [...this.held.cellsOf(PERIODS.hour)])
      if (c.start >= dayFrom)
        this.held.addCell({ ...c, period: PERIODS.day, start: bucketStart(c.start, PERIODS.day) });
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
    // the rebuilt hours and days are whole: the open ones start after them
    this.held = new RollupAccumulator();
    this.openFrom = new Map();
    this.restoreOpen();
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
