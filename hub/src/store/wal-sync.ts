import fs from 'node:fs';
import type { Db } from './db.ts';

const FULL = 2;

/**
 * Runs `write` (which commits) without SQLite's own sync to disk at commit, when the connection
 * syncs at all (`synchronous = FULL`, the hub's default). Safe for writes whose loss in a power cut
 * costs nothing (derived data, a move the next run repeats) or that `WalSync.sync` makes durable.
 */
export function withoutSync<T>(db: Db, write: () => T): T {
  if (db.inTransaction || (db.pragma('synchronous', { simple: true }) as number) < FULL) return write();
  db.exec('PRAGMA synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.exec('PRAGMA synchronous = FULL');
  }
}

/** Syncs running at once: a commit need not wait for the sync before its own to finish. */
const MAX_RUNNING = 2;

/**
 * Ingest's durability, off the hub's thread. With `synchronous = FULL`, SQLite syncs the WAL inside
 * every COMMIT: the event loop stood still for the disk each time, ~1/3 of the time under a
 * pipelining node (docs/PERFORMANCE.md). Ingest commits with SQLite's sync off instead — the frames
 * are written to the WAL file all the same — then asks `sync`, which runs an `fdatasync` of the WAL
 * in libuv's thread pool while the hub goes on reading and validating. A sync covers every commit
 * made before it started; commits are acknowledged in order, each once a sync that started after it
 * has returned, so "acknowledged" still means "on disk". Up to two syncs run at once (a WAL sync
 * under write load takes 3–20 ms here): commits made while both run share the next one.
 */
export class WalSync {
  private readonly wal: string;
  private readonly enabled: boolean;
  private readonly db: Db;
  private readonly acknowledgeBeforeSync: boolean;
  private running = 0;
  /** a commit arrived while MAX_RUNNING syncs ran: start one as soon as one returns */
  private due = false;
  /** callbacks of the commits not acknowledged yet, oldest first */
  private waiting: Array<(err?: Error) => void> = [];
  /** commits acknowledged so far */
  private released = 0;

  /**
   * `unsafeAcknowledgeBeforeSync` breaks the promise on purpose: each commit is acknowledged
   * before its sync instead of after. It exists only for the power-cut test to show that it sees
   * the readings such a hub loses (docs/RELIABILITY.md).
   */
  constructor(db: Db, opts: { unsafeAcknowledgeBeforeSync?: boolean } = {}) {
    this.wal = `${db.name}-wal`;
    this.enabled = (db.pragma('synchronous', { simple: true }) as number) >= FULL;
    this.db = db;
    this.acknowledgeBeforeSync = opts.unsafeAcknowledgeBeforeSync ?? false;
  }

  /** Runs a commit without SQLite's sync; `sync` must follow before anything is acknowledged. */
  unsynced<T>(commit: () => T): T {
    if (!this.enabled) return commit();
    // not a prepared statement: SQLite applies this pragma when it compiles it, running it again
    // does nothing (exec: 1.7 µs the pair, db.pragma 8.4 µs)
    this.db.exec('PRAGMA synchronous = NORMAL');
    try {
      return commit();
    } finally {
      this.db.exec('PRAGMA synchronous = FULL');
    }
  }

  /** Calls `done` once every commit made so far is on disk (at once when the database does not sync). */
  sync(done: (err?: Error) => void): void {
    if (this.acknowledgeBeforeSync) done();
    const acknowledge = this.acknowledgeBeforeSync ? () => {} : done;
    if (!this.enabled) {
      acknowledge();
      return;
    }
    this.waiting.push(acknowledge);
    if (this.running < MAX_RUNNING) this.start();
    else this.due = true;
  }

  /** Resolves once every commit made so far is acknowledged (the hub waits for it before closing). */
  idle(): Promise<void> {
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.sync(() => resolve()));
  }

  private start(): void {
    // the commits this sync covers: all those made before it starts
    const covers = this.released + this.waiting.length;
    this.running++;
    const finish = (err?: Error | null) => {
      this.running--;
      const n = covers - this.released;
      if (n > 0) {
        const done = this.waiting.splice(0, n);
        this.released = covers;
        for (const d of done) d(err ?? undefined);
      }
      if (this.due && this.running < MAX_RUNNING) {
        this.due = false;
        if (this.waiting.length > 0) this.start();
      }
    };
    // a descriptor per sync: SQLite may truncate or recreate the WAL file between two
    fs.open(this.wal, 'r', (err, fd) => {
      if (err) return finish(err);
      fs.fdatasync(fd, (syncErr) => fs.close(fd, () => finish(syncErr)));
    });
  }
}
