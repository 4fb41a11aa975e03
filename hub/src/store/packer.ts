import { asLog } from '../log.ts';
import { type Db, withoutSync } from './db.ts';
import type { PackedRanges } from './raw-readings.ts';
import {
  type BlockRow,
  encodeBlock,
  MAX_BLOCK_SPAN_MS,
  type RawReading,
  recordBytes,
} from './reading-block.ts';

/**
 * A block's record stays under this many bytes: with 1 KiB pages (db.ts) a table row over 989 B
 * spills into overflow pages, and one of ~980 B fills its page (~97 %). Measured in bench storage.
 */
export const BLOCK_BUDGET_BYTES = 980;
/** Readings a block holds at most, whatever their size (a run of zeros packs ~450 in 980 B). */
const MAX_PER_BLOCK = 1000;
/** Rows read per transaction: a few milliseconds of work, then ingest has the database again. */
const FETCH = 2 * MAX_PER_BLOCK;

export interface PackerOptions {
  db: Db;
  ranges: PackedRanges;
  now?: () => number;
  /** readings older than this are packed; younger ones stay rows (charts of the last hour, resends) */
  minAgeMs?: number;
  intervalMs?: number;
  firstRunMs?: number;
  log: (line: string) => void;
}

/** Bounds [start, end) of the readings that go into one block. */
type Span = [start: number, end: number];

/**
 * Where the next block should end at the latest: at a gap in a regular series (a missed reading
 * would shift every later offset by a whole interval), at a change between readings with and
 * without a sequence number, at MAX_BLOCK_SPAN_MS, and after MAX_PER_BLOCK readings (no block holds
 * more: looking further would read a long regular series to its end once per block).
 */
function segmentEnd(rows: readonly RawReading[], i: number): number {
  const first = rows[i] as RawReading;
  let minD = Number.POSITIVE_INFINITY;
  let maxD = 0;
  let j = i + 1;
  const limit = Math.min(rows.length, i + MAX_PER_BLOCK);
  for (; j < limit; j++) {
    const r = rows[j] as RawReading;
    const prev = rows[j - 1] as RawReading;
    if ((r.seq === null) !== (first.seq === null) || r.ts - first.ts > MAX_BLOCK_SPAN_MS) break;
    const d = r.ts - prev.ts;
    if (j - i >= 3) {
      const mean = (prev.ts - first.ts) / (j - 1 - i);
      const regular = minD >= 0.75 * mean && maxD <= 1.25 * mean;
      if (regular && (d < 0.75 * mean || d > 1.25 * mean)) break;
    }
    minD = Math.min(minD, d);
    maxD = Math.max(maxD, d);
  }
  return j;
}

/** The most readings from `i` (up to `end`) whose block fits the budget, with that block. */
function fitBlock(sensorId: number, rows: readonly RawReading[], i: number, end: number): [number, BlockRow] {
  const at = (n: number) => encodeBlock(sensorId, rows.slice(i, i + n));
  let lo = 1;
  let best = at(1);
  let hi = Math.min(end - i, MAX_PER_BLOCK);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const b = at(mid);
    if (recordBytes(b) <= BLOCK_BUDGET_BYTES) {
      lo = mid;
      best = b;
    } else hi = mid - 1;
  }
  return [lo, lo === best.n ? best : at(lo)];
}

/**
 * Cuts the oldest readings of a series (sorted by time) into blocks. A block is written once it
 * is closed: something follows it (it is full, or a gap cut it), or its first reading is older
 * than `flushBefore` (a sparse series waits no longer). What is left stays rows for a later run.
 */
export function planBlocks(
  sensorId: number,
  rows: readonly RawReading[],
  flushBefore: number,
): Array<{ span: Span; block: BlockRow }> {
  const out: Array<{ span: Span; block: BlockRow }> = [];
  let i = 0;
  while (i < rows.length) {
    const [n, block] = fitBlock(sensorId, rows, i, segmentEnd(rows, i));
    const closed = i + n < rows.length || (rows[i] as RawReading).ts < flushBefore;
    if (!closed) break;
    out.push({ span: [i, i + n], block });
    i += n;
  }
  return out;
}

/**
 * Moves raw readings older than an hour from `readings` into `reading_blocks` (29 B a
 * reading as rows, under 12 packed). One series and at most 2,000 rows a transaction: the block
 * inserts and the row deletes commit together or not at all, so a crash mid-pack loses nothing
 * and stores nothing twice; between transactions the event loop turns and ingest commits.
 */
export class Packer {
  private readonly opts: PackerOptions;
  private readonly now: () => number;
  private readonly stmts;
  private readonly packSeries;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;

  constructor(opts: PackerOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    const { db } = opts;
    this.stmts = {
      sensors: db.prepare('SELECT id FROM sensors ORDER BY id').pluck(),
      rows: db
        .prepare('SELECT ts, seq, value FROM readings WHERE sensor_id = ? AND ts < ? ORDER BY ts LIMIT ?')
        .raw(),
      insert: db.prepare(
        `INSERT INTO reading_blocks (sensor_id, t0, t1, n, ts_off, vals, seq0, seq1, seq_off)
         VALUES (@sensor_id, @t0, @t1, @n, @ts_off, @vals, @seq0, @seq1, @seq_off)`,
      ),
      remove: db.prepare('DELETE FROM readings WHERE sensor_id = ? AND ts >= ? AND ts <= ?'),
    };
    this.packSeries = db.transaction((sensorId: number, cutoff: number): number => {
      const rows = (this.stmts.rows.all(sensorId, cutoff, FETCH) as [number, number | null, number][]).map(
        ([ts, seq, value]) => ({ ts, seq, value }),
      );
      const blocks = planBlocks(sensorId, rows, cutoff - MAX_BLOCK_SPAN_MS);
      const last = blocks[blocks.length - 1];
      if (!last) return 0;
      for (const { block } of blocks) this.stmts.insert.run(block);
      const packed = last.span[1];
      const removed = this.stmts.remove.run(sensorId, rows[0]?.ts, rows[packed - 1]?.ts).changes;
      // the rows read are the oldest, in order: the range holds exactly them
      if (removed !== packed)
        throw new Error(`packing series ${sensorId}: ${removed} rows for ${packed} readings`);
      // raised before the commit: if it fails, a too-late mark only costs a needless look at blocks
      this.opts.ranges.raise(sensorId, last.block.t1);
      return packed;
    });
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.opts.firstRunMs ?? 30_000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Packs every series; resolves with the number of readings moved into blocks. */
  async pack(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const cutoff = this.now() - (this.opts.minAgeMs ?? 3_600_000);
      let total = 0;
      for (const id of this.stmts.sensors.all() as number[]) {
        // a turn of the event loop after every transaction, even one that packed nothing
        for (let packed = -1; packed !== 0; ) {
          if (this.stopped) return total;
          // a move the next run repeats if a power cut takes it: no need to wait for the disk
          packed = withoutSync(this.opts.db, () => this.packSeries(id, cutoff));
          total += packed;
          await new Promise((r) => setImmediate(r));
        }
      }
      return total;
    } finally {
      this.running = false;
    }
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.pack()
        .then((n) => {
          if (n > 0) this.opts.log(`packer: ${n} raw readings packed into blocks`);
        })
        .catch((err: Error) => asLog(this.opts.log).warn(`packer failed, will retry: ${err.message}`))
        .finally(() => {
          if (!this.stopped) this.schedule(this.opts.intervalMs ?? 600_000);
        });
    }, ms);
    this.timer.unref();
  }
}
