import type { RawReading } from './reading-block.ts';

interface Series {
  ts: number[];
  seq: (number | null)[];
  value: number[];
  /** false once a reading arrived earlier than the last one (a replay): sorted before reading */
  sorted: boolean;
}

/**
 * Readings committed since the last fold, in memory (hub/src/store/readings-store.ts): durable in
 * the commit log, written into SQLite as blocks at the next fold. Every reader of raw readings merges
 * them (hub/src/store/raw-readings.ts); ingest's duplicate check looks here first.
 */
export class RecentReadings {
  private readonly series = new Map<number, Series>();
  private total = 0;

  get size(): number {
    return this.total;
  }

  add(sensorId: number, ts: number, seq: number | null, value: number): void {
    let s = this.series.get(sensorId);
    if (!s) {
      s = { ts: [], seq: [], value: [], sorted: true };
      this.series.set(sensorId, s);
    }
    const last = s.ts[s.ts.length - 1];
    if (last !== undefined && ts < last) s.sorted = false;
    s.ts.push(ts);
    s.seq.push(seq);
    s.value.push(value);
    this.total++;
  }

  /** The time of the newest reading held, over every series; null when none is. */
  newest(): number | null {
    let newest: number | null = null;
    for (const s of this.series.values()) {
      this.sort(s);
      const last = s.ts[s.ts.length - 1];
      if (last !== undefined && (newest === null || last > newest)) newest = last;
    }
    return newest;
  }

  /** True when the series has a reading at exactly `ts`. */
  has(sensorId: number, ts: number): boolean {
    const s = this.series.get(sensorId);
    if (!s) return false;
    this.sort(s);
    const i = lowerBound(s.ts, ts);
    return s.ts[i] === ts;
  }

  /** The readings of a series with from <= ts < to, by time. */
  range(sensorId: number, from: number, to: number): RawReading[] {
    const s = this.series.get(sensorId);
    if (!s) return [];
    this.sort(s);
    const out: RawReading[] = [];
    for (let i = lowerBound(s.ts, from); i < s.ts.length && (s.ts[i] as number) < to; i++)
      out.push({ ts: s.ts[i] as number, seq: s.seq[i] ?? null, value: s.value[i] as number });
    return out;
  }

  count(sensorId: number, from: number, to: number): number {
    const s = this.series.get(sensorId);
    if (!s) return 0;
    this.sort(s);
    return lowerBound(s.ts, to) - lowerBound(s.ts, from);
  }

  /** How many readings of these series are held (erasure plans). */
  countOf(sensorIds: readonly number[]): number {
    let n = 0;
    for (const id of sensorIds) n += this.series.get(id)?.ts.length ?? 0;
    return n;
  }

  countBefore(cutoff: number): number {
    let n = 0;
    for (const s of this.series.values()) {
      this.sort(s);
      n += lowerBound(s.ts, cutoff);
    }
    return n;
  }

  /** Every series with its readings by time, for a fold. */
  *all(): Generator<[sensorId: number, readings: RawReading[]]> {
    for (const id of this.series.keys())
      yield [id, this.range(id, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)];
  }

  forget(sensorIds: Iterable<number>): void {
    for (const id of sensorIds) {
      this.total -= this.series.get(id)?.ts.length ?? 0;
      this.series.delete(id);
    }
  }

  clear(): void {
    this.series.clear();
    this.total = 0;
  }

  private sort(s: Series): void {
    if (s.sorted) return;
    const order = s.ts.map((_, i) => i).sort((a, b) => (s.ts[a] as number) - (s.ts[b] as number));
    s.ts = order.map((i) => s.ts[i] as number);
    s.seq = order.map((i) => s.seq[i] ?? null);
    s.value = order.map((i) => s.value[i] as number);
    s.sorted = true;
  }
}

/** The first index whose value is >= x (values sorted ascending). */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
