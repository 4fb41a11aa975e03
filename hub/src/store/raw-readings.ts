import type { Db } from './db.ts';
import {
  type BlockRow,
  blockTimes,
  decodeBlock,
  MAX_BLOCK_SPAN_MS,
  type RawReading,
} from './reading-block.ts';
import type { RecentReadings } from './recent-readings.ts';

export type { RawReading } from './reading-block.ts';

type BlockCols = Omit<BlockRow, 'sensor_id'>;

/**
 * The one reader of raw readings: the recent rows of `readings` and the packed `reading_blocks`
 * (hub/src/store/packer.ts), merged by time. Blocks of one series may overlap (late readings are
 * packed into blocks of their own), so every answer is sorted after decoding.
 */
export class RawReadings {
  private readonly db: Db;
  private readonly recent: RecentReadings | undefined;
  private readonly stmts;

  /** `recent`: the readings ingest holds since its last fold (hub/src/store/readings-store.ts) */
  constructor(opts: { db: Db; recent?: RecentReadings }) {
    this.db = opts.db;
    this.recent = opts.recent;
    const db = this.db;
    this.stmts = {
      rows: db
        .prepare(
          'SELECT ts, seq, value FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?',
        )
        .raw(),
      rowCount: db
        .prepare('SELECT count(*) FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ?')
        .pluck(),
      // t0 bounded below by the longest span a block may have: an index range, not a scan
      blocks: db.prepare(
        `SELECT t0, t1, n, ts_off, vals, seq0, seq1, seq_off FROM reading_blocks
         WHERE sensor_id = ? AND t0 >= ? AND t0 < ? AND t1 >= ? ORDER BY t0`,
      ),
      blockSpans: db
        .prepare(
          'SELECT id, t0, t1, n FROM reading_blocks WHERE sensor_id = ? AND t0 >= ? AND t0 < ? AND t1 >= ?',
        )
        .raw(),
      blockOffsets: db.prepare('SELECT t0, t1, n, ts_off FROM reading_blocks WHERE id = ?'),
      rowsBefore: db.prepare('SELECT count(*) FROM readings WHERE ts < ?').pluck(),
      // per series, so the index limits the search to the expired blocks
      blocksBefore: db
        .prepare(
          `SELECT coalesce(sum(b.n), 0) FROM sensors s CROSS JOIN reading_blocks b
           ON b.sensor_id = s.id AND b.t0 < ? AND b.t1 < ?`,
        )
        .pluck(),
    };
  }

  /**
   * The first `limit` readings of a series with from <= ts < to, by time: a page of a keyset
   * pagination (the next page starts after the last ts).
   */
  page(sensorId: number, from: number, to: number, limit = Number.POSITIVE_INFINITY): RawReading[] {
    const sqlLimit = Number.isFinite(limit) ? limit : -1;
    const rows = (this.stmts.rows.all(sensorId, from, to, sqlLimit) as [number, number | null, number][]).map(
      ([ts, seq, value]) => ({ ts, seq, value }),
    );
    const held = this.recent?.range(sensorId, from, to) ?? [];
    const recent = held.length === 0 ? rows : rows.length === 0 ? held : [...rows, ...held].sort(byTs);
    let packed: RawReading[] = [];
    for (const b of this.stmts.blocks.iterate(
      sensorId,
      from - MAX_BLOCK_SPAN_MS,
      to,
      from,
    ) as Iterable<BlockCols>) {
      // blocks come by t0: once `limit` readings are held, a block starting after the last of
      // them cannot contribute
      if (packed.length >= limit && b.t0 > (packed[limit - 1]?.ts ?? Number.POSITIVE_INFINITY)) break;
      for (const r of decodeBlock(b)) if (r.ts >= from && r.ts < to) packed.push(r);
      if (packed.length >= limit) {
        packed.sort(byTs);
        packed = packed.slice(0, limit);
      }
    }
    if (packed.length === 0) return recent;
    packed.sort(byTs);
    const merged = recent.length === 0 ? packed : [...packed, ...recent].sort(byTs);
    return Number.isFinite(limit) ? merged.slice(0, limit) : merged;
  }

  /** Every reading of a series with from <= ts < to, by time. */
  range(sensorId: number, from: number, to: number): RawReading[] {
    return this.page(sensorId, from, to);
  }

  /** How many readings of a series have from <= ts < to; decodes only the blocks at the edges. */
  count(sensorId: number, from: number, to: number): number {
    let n =
      (this.stmts.rowCount.get(sensorId, from, to) as number) + (this.recent?.count(sensorId, from, to) ?? 0);
    const spans = this.stmts.blockSpans.all(sensorId, from - MAX_BLOCK_SPAN_MS, to, from) as [
      id: number,
      t0: number,
      t1: number,
      n: number,
    ][];
    for (const [id, t0, t1, bn] of spans) {
      if (t0 >= from && t1 < to) n += bn;
      else {
        const b = this.stmts.blockOffsets.get(id) as BlockCols;
        for (const ts of blockTimes(b)) if (ts >= from && ts < to) n++;
      }
    }
    return n;
  }

  /**
   * What a purge at `cutoff` removes: rows older than it, and blocks whose last reading is
   * (a block straddling the cutoff stays until all of it has expired).
   */
  countExpired(cutoff: number): number {
    return (
      (this.stmts.rowsBefore.get(cutoff) as number) +
      (this.stmts.blocksBefore.get(cutoff, cutoff) as number) +
      (this.recent?.countBefore(cutoff) ?? 0)
    );
  }

  /** All the readings of these series, recent and packed. */
  countOf(sensorIds: readonly number[]): number {
    if (sensorIds.length === 0) return 0;
    const marks = sensorIds.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT count(*) FROM readings WHERE sensor_id IN (${marks})`)
      .pluck()
      .get(...sensorIds) as number;
    const packed = this.db
      .prepare(`SELECT coalesce(sum(n), 0) FROM reading_blocks WHERE sensor_id IN (${marks})`)
      .pluck()
      .get(...sensorIds) as number;
    return rows + packed + (this.recent?.countOf(sensorIds) ?? 0);
  }
}

function byTs(a: RawReading, b: RawReading): number {
  return a.ts - b.ts;
}

/**
 * Whether a reading is packed already, for the duplicate check of ingest: `INSERT OR IGNORE INTO
 * readings` no longer sees packed readings. Keeps, per series, the last time packed (loaded on
 * first use, raised by the packer in its transaction); only a reading at or before it (a late
 * resend, rare) costs a look at the blocks. One instance per database, shared by the store and
 * the packer (hub.ts): a packer raising another instance would let duplicates through.
 */
export class PackedRanges {
  private readonly upTo = new Map<number, number>();
  private readonly stmts;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      // the last t1 is among the blocks starting at most one span before the last t0
      last: db
        .prepare(
          `SELECT max(t1) FROM reading_blocks WHERE sensor_id = @id
           AND t0 >= (SELECT max(t0) FROM reading_blocks WHERE sensor_id = @id) - @span`,
        )
        .pluck(),
      around: db.prepare(
        'SELECT t0, t1, n, ts_off FROM reading_blocks WHERE sensor_id = ? AND t0 >= ? AND t0 <= ? AND t1 >= ?',
      ),
    };
  }

  /** The time of the last packed reading of a series, -Infinity if none. */
  packedUpTo(sensorId: number): number {
    let t = this.upTo.get(sensorId);
    if (t === undefined) {
      t =
        (this.stmts.last.get({ id: sensorId, span: MAX_BLOCK_SPAN_MS }) as number | null) ??
        Number.NEGATIVE_INFINITY;
      this.upTo.set(sensorId, t);
    }
    return t;
  }

  /** True when a block of the series holds a reading at exactly `ts`. */
  has(sensorId: number, ts: number): boolean {
    if (ts > this.packedUpTo(sensorId)) return false;
    const blocks = this.stmts.around.all(sensorId, ts - MAX_BLOCK_SPAN_MS, ts, ts) as BlockCols[];
    return blocks.some((b) => blockTimes(b).includes(ts));
  }

  /** Called by the packer, inside the transaction that writes blocks up to `t1`. */
  raise(sensorId: number, t1: number): void {
    if (t1 > this.packedUpTo(sensorId)) this.upTo.set(sensorId, t1);
  }
}
