import type { Db } from './db.ts';

export interface AuditEntry {
  ts: number;
  who: string;
  what: string;
}

/** Every change made from a console, with who made it and when (table `audit`, docs/DATA.md). */
export class AuditLog {
  private readonly stmts;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      add: db.prepare('INSERT INTO audit (ts, who, what) VALUES (?, ?, ?)'),
      last: db.prepare('SELECT ts, who, what FROM audit ORDER BY id DESC LIMIT ?'),
      purge: db.prepare("DELETE FROM audit WHERE ts < ? AND what NOT LIKE 'erase%'"),
    };
  }

  add(ts: number, who: string, what: string): void {
    this.stmts.add.run(ts, who, what);
  }

  /** The last `limit` entries, oldest first. */
  last(limit: number): AuditEntry[] {
    return (this.stmts.last.all(limit) as AuditEntry[]).reverse();
  }

  /** Forgets entries older than `before`, except erasures, which are kept for good. */
  purge(before: number): number {
    return this.stmts.purge.run(before).changes;
  }
}
