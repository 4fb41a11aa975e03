import type { Db, Statement } from './db.ts';

/** The counters the admin's figures read from the database (`/metrics`, `status`). */
export class FiguresStore {
  private readonly byReason: Statement;

  constructor(opts: { db: Db }) {
    this.byReason = opts.db.prepare('SELECT reason, sum(count) AS n FROM rejection_counts GROUP BY reason');
  }

  /** Rejections since the start of the database, by reason, over all nodes. */
  rejectedByReason(): Map<string, number> {
    const rows = this.byReason.all() as { reason: string; n: number }[];
    return new Map(rows.map((r) => [r.reason, r.n]));
  }
}
