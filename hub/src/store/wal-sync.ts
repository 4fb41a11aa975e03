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

/**
 * Ingest's durability, off the hub's thread. With `synchronous = FULL`, SQLite syncs the WAL inside
 * every COMMIT: the event loop stood still for the disk each time, ~1/3 of the time under a
 * pipelining node (docs/PERFORMANCE.md). Ingest commits with SQLite's sync off instead — the frames
 * are written to the WAL file all the same — then asks `sync`, which runs one `fdatasync` of the
 * WAL in libuv's thread pool for every commit made before it started, while the hub goes on reading
 * and validating. A commit's PUBACKs are sent from its callback: "acknowledged" still means "on
 * disk". One sync at a time; commits made while one runs share the next.
 */
export class WalSync {
  private readonly wal: string;
  private readonly enabled: boolean;
  private running = false;
  private next: Array<(err?: Error) => void> = [];
  private readonly db: Db;

  constructor(db: Db) {
    this.wal = `${db.name}-wal`;
    this.enabled = (db.pragma('synchronous', { simple: true }) as number) >= FULL;
    this.db = db;
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
    if (!this.enabled) {
      done();
      return;
    }
    this.next.push(done);
    if (!this.running) this.start();
  }

  private start(): void {
    const waiting = this.next;
    this.next = [];
    this.running = true;
    const finish = (err?: Error | null) => {
      this.running = false;
      for (const done of waiting) done(err ?? undefined);
      if (this.next.length > 0) this.start();
    };
    // a descriptor per sync: SQLite may truncate or recreate the WAL file between two
    fs.open(this.wal, 'r', (err, fd) => {
      if (err) return finish(err);
      fs.fdatasync(fd, (syncErr) => fs.close(fd, () => finish(syncErr)));
    });
  }
}
