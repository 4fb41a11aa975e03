import type { RejectReason } from '../../../protocol/index.ts';
import type { Db } from './db.ts';

/** How many of a node's last rejections are kept for the console and the API. */
export const KEEP_REJECTIONS = 20;

export interface RejectionRow {
  ts: number;
  reason: RejectReason;
  detail: string;
}

/**
 * Why messages were refused: a count per node and reason (`rejection_counts`) and each node's last
 * KEEP_REJECTIONS refusals with their detail (`rejections`). Written by ingest's commit.
 */
export class RejectionLog {
  private readonly stmts;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      insert: db.prepare('INSERT INTO rejections (node_id, ts, reason, detail) VALUES (?, ?, ?, ?)'),
      count: db.prepare(
        `INSERT INTO rejection_counts (node_id, reason, count) VALUES (?, ?, ?)
         ON CONFLICT (node_id, reason) DO UPDATE SET count = count + excluded.count`,
      ),
      prune: db.prepare(
        'DELETE FROM rejections WHERE node_id = ? AND id <= (SELECT id FROM rejections WHERE node_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
      ),
      countsOf: db.prepare(
        'SELECT reason, count FROM rejection_counts WHERE node_id = ? ORDER BY count DESC',
      ),
      lastOf: db.prepare(
        'SELECT ts, reason, detail FROM rejections WHERE node_id = ? ORDER BY id DESC LIMIT ?',
      ),
      topReasons: db.prepare(
        'SELECT reason, sum(count) AS n FROM rejection_counts GROUP BY reason ORDER BY n DESC LIMIT ?',
      ),
    };
  }

  /** Inside ingest's transaction. */
  record(node: string, ts: number, reason: RejectReason, detail: string): void {
    this.stmts.insert.run(node, ts, reason, detail);
    this.stmts.count.run(node, reason, 1);
  }

  /** Keeps only the node's last KEEP_REJECTIONS detailed rejections. */
  prune(node: string): void {
    this.stmts.prune.run(node, node, KEEP_REJECTIONS);
  }

  /** Counts by reason, largest first. */
  countsOf(node: string): Array<{ reason: string; count: number }> {
    return this.stmts.countsOf.all(node) as Array<{ reason: string; count: number }>;
  }

  /** The node's last rejections, newest first. */
  lastOf(node: string, limit: number): RejectionRow[] {
    return this.stmts.lastOf.all(node, limit) as RejectionRow[];
  }

  /** The most frequent reasons over every node. */
  topReasons(limit: number): Array<{ reason: string; n: number }> {
    return this.stmts.topReasons.all(limit) as Array<{ reason: string; n: number }>;
  }
}
