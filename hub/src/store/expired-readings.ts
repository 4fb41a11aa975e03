import type { Db } from './db.ts';
import { RawReadings } from './raw-readings.ts';
import type { RecentReadings } from './recent-readings.ts';

/** Rows deleted per transaction: small enough that ingest never waits long for the write lock. */
const CHUNK = 5000;
/** Blocks deleted per transaction (~100 readings each). */
const BLOCK_CHUNK = 100;

/**
 * Raw readings past retention: counted for the console, deleted a chunk per event-loop turn so
 * ingest keeps flowing (hub/src/retention.ts schedules it). A packed block goes once its last
 * reading has expired: one straddling the cutoff keeps its older readings until then (at most
 * MAX_BLOCK_SPAN_MS longer than the retention, hub/src/store/reading-block.ts).
 */
export class ExpiredReadings {
  private readonly raw: RawReadings;
  private readonly stmts;
  private readonly deleteBlocks;

  constructor(opts: { db: Db; recent?: RecentReadings }) {
    const { db } = opts;
    this.raw = new RawReadings({ db, ...(opts.recent ? { recent: opts.recent } : {}) });
    this.stmts = {
      sensors: db.prepare('SELECT id FROM sensors').pluck(),
      boundary: db
        .prepare('SELECT ts FROM readings WHERE sensor_id = ? AND ts < ? ORDER BY ts LIMIT 1 OFFSET ?')
        .pluck(),
      deleteRows: db.prepare('DELETE FROM readings WHERE sensor_id = ? AND ts < ?'),
      expiredBlocks: db
        .prepare('SELECT id, n FROM reading_blocks WHERE sensor_id = ? AND t0 < ? AND t1 < ? LIMIT ?')
        .raw(),
      deleteBlock: db.prepare('DELETE FROM reading_blocks WHERE id = ?'),
    };
    this.deleteBlocks = db.transaction((blocks: [id: number, n: number][]) => {
      for (const [id] of blocks) this.stmts.deleteBlock.run(id);
    });
  }

  /** What a purge at `cutoff` would remove. */
  count(cutoff: number): number {
    return this.raw.countExpired(cutoff);
  }

  /** Deletes every raw reading older than `cutoff`; resolves with how many went. */
  async purge(cutoff: number): Promise<number> {
    let removed = 0;
    for (const id of this.stmts.sensors.all() as number[]) {
      for (;;) {
        const b = this.stmts.boundary.get(id, cutoff, CHUNK) as number | undefined;
        removed += this.stmts.deleteRows.run(id, b ?? cutoff).changes;
        await turn();
        if (b === undefined) break;
      }
      for (;;) {
        const blocks = this.stmts.expiredBlocks.all(id, cutoff, cutoff, BLOCK_CHUNK) as [number, number][];
        this.deleteBlocks(blocks);
        for (const [, n] of blocks) removed += n;
        await turn();
        if (blocks.length < BLOCK_CHUNK) break;
      }
    }
    return removed;
  }
}

function turn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
