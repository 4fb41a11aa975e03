/**
 * The text encoding of a block of raw readings (table `reading_blocks`, migration 4), written so
 * that SQLite's own JSON functions decode it (the `all_readings` view, docs/DATA.md):
 *
 *   ts_i  = t0 + i * (t1 - t0) / (n - 1) + ts_off[i]      integer division, as SQLite does it
 *   seq_i = seq0 + i * (seq1 - seq0) / (n - 1) + seq_off[i]
 *   value_i = vals[i]
 *
 * A straight line from the first to the last reading, not t0 + i * a rounded step: a node's timer
 * drifts a little each interval, and a rounded step turns that drift into offsets growing along
 * the block (up to n/2 ms); the line absorbs it, so offsets are the jitter alone. `ts_off` and
 * `seq_off` are NULL when every offset is 0. Values are JSON.stringify's shortest text that parses
 * back to the same double, so packing loses nothing.
 */

/** A raw reading as stored: `seq` is the node's sequence number. */
export interface RawReading {
  ts: number;
  seq: number | null;
  value: number;
}

/** The columns of one `reading_blocks` row, without its id. */
export interface BlockRow {
  sensor_id: number;
  t0: number;
  t1: number;
  n: number;
  ts_off: string | null;
  vals: string;
  seq0: number | null;
  seq1: number | null;
  seq_off: string | null;
}

/**
 * No block spans more than this from its first to its last reading: a reader looking for the
 * readings at time T needs only the blocks whose t0 lies in [T - MAX_BLOCK_SPAN_MS, T], which the
 * (sensor_id, t0) index finds without scanning a series' whole history.
 */
export const MAX_BLOCK_SPAN_MS = 12 * 3_600_000;

/** i-th point of the line from a (i = 0) to b (i = n - 1), truncated toward zero like SQLite's `/`. */
function onLine(a: number, b: number, i: number, n: number): number {
  if (n <= 1) return a;
  const num = i * (b - a);
  const d = n - 1;
  return a + (num - (num % d)) / d;
}

function offsets(xs: readonly number[]): string | null {
  const n = xs.length;
  const a = xs[0] ?? 0;
  const b = xs[n - 1] ?? 0;
  const off = xs.map((x, i) => x - onLine(a, b, i, n));
  return off.some((o) => o !== 0) ? JSON.stringify(off) : null;
}

/**
 * Encodes readings of one series, sorted by time. Every reading must have a sequence number, or
 * none may (a block of readings without one stores seq0 = NULL).
 */
export function encodeBlock(sensorId: number, readings: readonly RawReading[]): BlockRow {
  const first = readings[0];
  const last = readings[readings.length - 1];
  if (!first || !last) throw new Error('a block needs at least one reading, got none');
  const ts = readings.map((r) => r.ts);
  const withSeq = first.seq !== null;
  const seqs = readings.map((r) => r.seq ?? 0);
  return {
    sensor_id: sensorId,
    t0: first.ts,
    t1: last.ts,
    n: readings.length,
    ts_off: offsets(ts),
    vals: JSON.stringify(readings.map((r) => r.value)),
    seq0: withSeq ? first.seq : null,
    seq1: withSeq ? last.seq : null,
    seq_off: withSeq ? offsets(seqs) : null,
  };
}

/** The times of a block's readings, from the columns the covering index does not hold. */
export function blockTimes(b: Pick<BlockRow, 't0' | 't1' | 'n' | 'ts_off'>): number[] {
  const off = b.ts_off === null ? null : (JSON.parse(b.ts_off) as number[]);
  return Array.from({ length: b.n }, (_, i) => onLine(b.t0, b.t1, i, b.n) + (off?.[i] ?? 0));
}

export function decodeBlock(b: Omit<BlockRow, 'sensor_id'>): RawReading[] {
  const ts = blockTimes(b);
  const vals = JSON.parse(b.vals) as number[];
  const seqOff = b.seq_off === null ? null : (JSON.parse(b.seq_off) as number[]);
  const { seq0, seq1, n } = b;
  return ts.map((t, i) => ({
    ts: t,
    seq: seq0 === null || seq1 === null ? null : onLine(seq0, seq1, i, n) + (seqOff?.[i] ?? 0),
    value: vals[i] ?? Number.NaN,
  }));
}

function intBytes(v: number | null): number {
  if (v === null || v === 0 || v === 1) return 0;
  const a = v < 0 ? -v - 1 : v;
  if (a < 0x80) return 1;
  if (a < 0x8000) return 2;
  if (a < 0x800000) return 3;
  if (a < 0x80000000) return 4;
  if (a < 0x800000000000) return 6;
  return 8;
}

function varintBytes(v: number): number {
  let n = 1;
  for (let x = v; x >= 0x80; x = Math.floor(x / 128)) n++;
  return n;
}

/**
 * Bytes of the row's record in SQLite's file format (header of serial types, then the values;
 * the id, an alias of the rowid, is stored as NULL). Text is ASCII here: one byte a character.
 */
export function recordBytes(b: BlockRow): number {
  const ints = [b.sensor_id, b.t0, b.t1, b.n, b.seq0, b.seq1];
  const texts = [b.ts_off, b.vals, b.seq_off];
  let header = 1; // the id
  let body = 0;
  for (const v of ints) {
    header += 1;
    body += intBytes(v);
  }
  for (const t of texts) {
    header += t === null ? 1 : varintBytes(2 * t.length + 13);
    body += t?.length ?? 0;
  }
  return varintBytes(header + 1) + header + body;
}
