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
  private readonly cells = new Map<string, RollupCell>();
  private readonly periods: readonly number[];

  constructor(periods: readonly number[] = PERIOD_LIST) {
    this.periods = periods;
  }

  add(sensorId: number, ts: number, value: number): void {
    for (const period of this.periods) {
      const start = bucketStart(ts, period);
      const key = `${sensorId}:${period}:${start}`;
      const cell = this.cells.get(key);
      if (!cell) {
        this.cells.set(key, {
          sensorId,
          period,
          start,
          count: 1,
          sum: value,
          min: value,
          max: value,
          last: value,
          lastTs: ts,
        });
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
    const key = `${c.sensorId}:${c.period}:${c.start}`;
    const cell = this.cells.get(key);
    if (!cell) {
      this.cells.set(key, { ...c });
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
    for (const [key, cell] of this.cells) if (sensorIds.has(cell.sensorId)) this.cells.delete(key);
  }

  get size(): number {
    return this.cells.size;
  }

  values(): IterableIterator<RollupCell> {
    return this.cells.values();
  }
}
