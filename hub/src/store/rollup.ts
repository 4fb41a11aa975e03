import type { SeriesStep } from '../../../protocol/index.ts';

/** Rollup periods in milliseconds. Buckets start at multiples of the period in UTC. */
export const PERIODS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type RollupPeriod = keyof typeof PERIODS;
export const PERIOD_LIST = Object.values(PERIODS);

export function stepMs(step: SeriesStep): number {
  return step === 'raw' ? 0 : PERIODS[step];
}

export function bucketStart(ts: number, period: number): number {
  return Math.floor(ts / period) * period;
}

export interface RollupCell {
  sensorId: number;
  period: number;
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastTs: number;
}

/**
 * Folds readings into rollup cells, so each (series, period, bucket) is written once per commit (or
 * per deferred write, hub/src/store/rollup-buffer.ts) instead of once per reading.
 */
export class RollupAccumulator {
  /** one map per period, keyed by series and bucket number: numbers hash faster than strings */
  private readonly cells = new Map<number, Map<number, RollupCell>>();
  private readonly periods: readonly number[];
  private count = 0;

  constructor(periods: readonly number[] = PERIOD_LIST) {
    this.periods = periods;
    for (const p of periods) this.cells.set(p, new Map());
  }

  add(sensorId: number, ts: number, value: number): void {
    for (const period of this.periods) {
      const bucket = Math.floor(ts / period);
      const key = cellKey(sensorId, bucket);
      const cells = this.cells.get(period) as Map<number, RollupCell>;
      const cell = cells.get(key);
      if (!cell) {
        cells.set(key, {
          sensorId,
          period,
          start: bucket * period,
          count: 1,
          sum: value,
          min: value,
          max: value,
          last: value,
          lastTs: ts,
        });
        this.count++;
        continue;
      }
      cell.count++;
      cell.sum += value;
      if (value < cell.min) cell.min = value;
      if (value > cell.max) cell.max = value;
      if (ts >= cell.lastTs) {
        cell.last = value;
        cell.lastTs = ts;
      }
    }
  }

  /** Combines a cell (or a partial aggregate of one bucket) into the one of its bucket. */
  addCell(c: RollupCell): void {
    let cells = this.cells.get(c.period);
    if (!cells) {
      cells = new Map();
      this.cells.set(c.period, cells);
    }
    const key = cellKey(c.sensorId, Math.floor(c.start / c.period));
    const cell = cells.get(key);
    if (!cell) {
      cells.set(key, { ...c });
      this.count++;
      return;
    }
    cell.count += c.count;
    cell.sum += c.sum;
    if (c.min < cell.min) cell.min = c.min;
    if (c.max > cell.max) cell.max = c.max;
    if (c.lastTs >= cell.lastTs) {
      cell.last = c.last;
      cell.lastTs = c.lastTs;
    }
  }

  merge(other: RollupAccumulator): void {
    for (const c of other.values()) this.addCell(c);
  }

  /** Removes the cells of these series. */
  drop(sensorIds: ReadonlySet<number>): void {
    for (const cells of this.cells.values()) {
      for (const [key, cell] of cells) {
        if (!sensorIds.has(cell.sensorId)) continue;
        cells.delete(key);
        this.count--;
      }
    }
  }

  get size(): number {
    return this.count;
  }

  /** The cells of one period. */
  cellsOf(period: number): Iterable<RollupCell> {
    return this.cells.get(period)?.values() ?? [];
  }

  *values(): IterableIterator<RollupCell> {
    for (const cells of this.cells.values()) yield* cells.values();
  }
}

/**
 * Bucket numbers stay below 2^27 (minutes since 1970 until the year 2225), so with series ids below
 * 2^26 the key is an exact integer, unique per series and bucket.
 */
function cellKey(sensorId: number, bucket: number): number {
  return sensorId * 2 ** 27 + bucket;
}
