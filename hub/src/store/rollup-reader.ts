import type { Db } from './db.ts';
import { PERIOD_LIST, PERIODS, RollupAccumulator, type RollupCell } from './rollup.ts';

/** Rollup cells ingest holds in memory before writing them (hub/src/store/rollup-buffer.ts). */
export interface HeldRollups {
  heldCells(period: number): Iterable<RollupCell>;
}

/** Rows read per query when a series' rollups are walked whole (CSV): ingest writes between pages. */
const PAGE = 5000;

/** A stored cell as its columns: start, count, sum, min, max, last, last_ts. */
export type Row = [
  start: number,
  count: number,
  sum: number,
  min: number,
  max: number,
  last: number,
  lastTs: number,
];

/**
 * The one reader of rollups: the `rollups` table merged with the cells ingest still holds in memory,
 * so a read is exact without writing anything. Series and collective queries, the CSV export, the
 * erasure plan and the status line read through it.
 */
export class RollupReader {
  private readonly held: HeldRollups;
  private readonly stmts;

  constructor(opts: { db: Db; held: HeldRollups }) {
    const { db } = opts;
    this.held = opts.held;
    this.stmts = {
      range: db
        .prepare(
          `SELECT start, count, sum, min, max, last, last_ts FROM rollups
           WHERE sensor_id = ? AND period = ? AND start >= ? AND start < ? ORDER BY start`,
        )
        .raw(),
      bucket: db
        .prepare('SELECT coalesce(sum(count), 0) FROM rollups WHERE period = ? AND start = ?')
        .pluck(),
      newest: db
        .prepare(
          `SELECT last, last_ts FROM rollups
           WHERE sensor_id = ? AND period = ? AND start >= ? ORDER BY start DESC LIMIT 1`,
        )
        .raw(),
      page: db
        .prepare(
          `SELECT start, count, sum, min, max, last, last_ts FROM rollups
           WHERE sensor_id = ? AND period = ? AND start > ? ORDER BY start LIMIT ?`,
        )
        .raw(),
    };
  }

  /**
   * The first bucket of `period` that has a held cell of a series `accepts` (every series when
   * omitted), or +Infinity: from there on, the table alone is not the whole answer.
   */
  heldFrom(period: number, accepts?: (sensorId: number) => boolean): number {
    let first = Number.POSITIVE_INFINITY;
    for (const c of this.held.heldCells(period))
      if (c.start < first && (!accepts || accepts(c.sensorId))) first = c.start;
    return first;
  }

  /** The cells of one series with from <= start < to, stored and held merged, by start. */
  cells(sensorId: number, period: number, from: number, to: number): RollupCell[] {
    return this.cellsOfEach([sensorId], period, from, to).get(sensorId) ?? [];
  }

  /**
   * The cells of each of these series with from <= start < to, stored and held merged, by start:
   * one pass over what is held for all of them (a collective figure asks for every household's).
   */
  cellsOfEach(
    sensorIds: Iterable<number>,
    period: number,
    from: number,
    to: number,
  ): Map<number, RollupCell[]> {
    const merged = new Map<number, RollupAccumulator>();
    for (const id of sensorIds) {
      const cells = new RollupAccumulator([period]);
      for (const r of this.stmts.range.iterate(id, period, from, to) as Iterable<Row>)
        cells.addCell(cellOf(id, period, r));
      merged.set(id, cells);
    }
    for (const c of this.held.heldCells(period))
      if (c.start >= from && c.start < to) merged.get(c.sensorId)?.addCell(c);
    const out = new Map<number, RollupCell[]>();
    for (const [id, cells] of merged)
      out.set(
        id,
        [...cells.values()].sort((a, b) => a.start - b.start),
      );
    return out;
  }

  /**
   * The newest reading of each series in `sensorIds` since `since`, from its minute rollups (`last`,
   * `lastTs`): one pass over the cells held in memory, then one indexed look at the table for the
   * series with none held. Series without a reading since then are absent from the answer.
   */
  latest(sensorIds: readonly number[], since: number): Map<number, { ts: number; value: number }> {
    const wanted = new Set(sensorIds);
    const found = new Map<number, { ts: number; value: number }>();
    for (const c of this.held.heldCells(PERIODS.minute)) {
      if (!wanted.has(c.sensorId) || c.start < since) continue;
      const known = found.get(c.sensorId);
      if (!known || c.lastTs > known.ts) found.set(c.sensorId, { ts: c.lastTs, value: c.last });
    }
    for (const id of wanted) {
      if (found.has(id)) continue;
      const row = this.stmts.newest.get(id, PERIODS.minute, since) as [number, number] | undefined;
      if (row) found.set(id, { ts: row[1], value: row[0] });
    }
    return found;
  }

  /** The held cells of `period` with from <= start < to, of the series `accepts`. */
  heldBetween(
    period: number,
    from: number,
    to: number,
    accepts: (sensorId: number) => boolean,
  ): RollupCell[] {
    const out: RollupCell[] = [];
    for (const c of this.held.heldCells(period))
      if (c.start >= from && c.start < to && accepts(c.sensorId)) out.push(c);
    return out;
  }

  /** Readings counted in one bucket over every series (the status line's "readings today"). */
  bucketCount(period: number, start: number): number {
    let n = this.stmts.bucket.get(period, start) as number;
    for (const c of this.held.heldCells(period)) if (c.start === start) n += c.count;
    return n;
  }

  /** Every cell of a series, period by period (minute, hour, day), by start: stored and held merged. */
  *all(sensorId: number): Generator<RollupCell> {
    for (const period of PERIOD_LIST) {
      const held = [...this.held.heldCells(period)]
        .filter((c) => c.sensorId === sensorId)
        .sort((a, b) => a.start - b.start);
      let h = 0;
      let after = Number.NEGATIVE_INFINITY;
      for (;;) {
        const rows = this.stmts.page.all(sensorId, period, after, PAGE) as Row[];
        for (const r of rows) {
          const cell = cellOf(sensorId, period, r);
          while (h < held.length && (held[h] as RollupCell).start < cell.start) yield held[h++] as RollupCell;
          const extra = held[h];
          if (extra && extra.start === cell.start) {
            h++;
            yield combined(cell, extra);
          } else yield cell;
        }
        if (rows.length < PAGE) break;
        after = (rows[rows.length - 1] as Row)[0];
      }
      while (h < held.length) yield held[h++] as RollupCell;
    }
  }
}

export function cellOf(sensorId: number, period: number, r: Row): RollupCell {
  const [start, count, sum, min, max, last, lastTs] = r;
  return { sensorId, period, start, count, sum, min, max, last, lastTs };
}

function combined(a: RollupCell, b: RollupCell): RollupCell {
  const later = b.lastTs >= a.lastTs ? b : a;
  return {
    ...a,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    last: later.last,
    lastTs: later.lastTs,
  };
}
