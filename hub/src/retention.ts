import type { Db } from './store/db.ts';
import { RawReadings } from './store/raw-readings.ts';
import type { SettingsStore } from './store/settings.ts';

export interface RetentionOptions {
  db: Db;
  settings: SettingsStore;
  now?: () => number;
  intervalMs?: number;
  log: (line: string) => void;
}

export interface PurgePlan {
  cutoff: number;
  readings: number;
}

/** Rows deleted per transaction: small enough that ingest never waits long for the write lock. */
const CHUNK = 5000;
/** Blocks deleted per transaction (~100 readings each). */
const BLOCK_CHUNK = 100;

/**
 * Raw readings older than the retention are deleted in the background, a chunk per event-loop
 * turn, so ingest keeps flowing; rollups are kept for good. A packed block goes once its last
 * reading has expired: one straddling the cutoff keeps its older readings until then (at most
 * MAX_BLOCK_SPAN_MS longer than the retention, hub/src/store/reading-block.ts).
 */
export class Retention {
  private readonly opts: RetentionOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  nextRun: number | null = null;

  constructor(opts: RetentionOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.schedule(60_000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** What the next purge would remove, without removing it. */
  plan(): PurgePlan {
    const cutoff = this.cutoff();
    return { cutoff, readings: new RawReadings({ db: this.opts.db }).countExpired(cutoff) };
  }

  /** Deletes what is past retention; resolves with the number of raw readings removed. */
  async purge(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const { db } = this.opts;
      const cutoff = this.cutoff();
      const sensors = db.prepare('SELECT id FROM sensors').pluck().all() as number[];
      const boundary = db
        .prepare('SELECT ts FROM readings WHERE sensor_id = ? AND ts < ? ORDER BY ts LIMIT 1 OFFSET ?')
        .pluck();
      const del = db.prepare('DELETE FROM readings WHERE sensor_id = ? AND ts < ?');
      const expiredBlocks = db
        .prepare('SELECT id, n FROM reading_blocks WHERE sensor_id = ? AND t0 < ? AND t1 < ? LIMIT ?')
        .raw();
      const delBlock = db.prepare('DELETE FROM reading_blocks WHERE id = ?');
      const delBlocks = db.transaction((blocks: [id: number, n: number][]) => {
        for (const [id] of blocks) delBlock.run(id);
      });
      let removed = 0;
      for (const id of sensors) {
        for (;;) {
          const b = boundary.get(id, cutoff, CHUNK) as number | undefined;
          removed += del.run(id, b ?? cutoff).changes;
          await new Promise((r) => setImmediate(r));
          if (b === undefined) break;
        }
        for (;;) {
          const blocks = expiredBlocks.all(id, cutoff, cutoff, BLOCK_CHUNK) as [number, number][];
          delBlocks(blocks);
          for (const [, n] of blocks) removed += n;
          await new Promise((r) => setImmediate(r));
          if (blocks.length < BLOCK_CHUNK) break;
        }
      }
      db.prepare("DELETE FROM audit WHERE ts < ? AND what NOT LIKE 'erase%'").run(
        this.now() - 3 * 365 * 86_400_000,
      );
      if (removed > 0)
        this.opts.log(
          `retention: removed ${removed} raw readings older than ${new Date(cutoff).toISOString()}`,
        );
      return removed;
    } finally {
      this.running = false;
    }
  }

  private cutoff(): number {
    return this.now() - this.opts.settings.get().rawRetentionDays * 86_400_000;
  }

  private schedule(ms: number): void {
    this.nextRun = this.now() + ms;
    this.timer = setTimeout(() => {
      this.purge()
        .catch((err: Error) => this.opts.log(`retention failed, will retry: ${err.message}`))
        .finally(() => this.schedule(this.opts.intervalMs ?? 3_600_000));
    }, ms);
    this.timer.unref();
  }
}
