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
 * KEEP_REJECTIONS refusals with their detail (`rejections`). Ingest records them in memory once their
 * commit is durable; the fold writes them (hub/src/store/readings-store.ts); readers see both.
 */
export class RejectionLog {
  private pending: Array<RejectionRow & { node: string }> = [];
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
      countsOf: db.prepare('SELECT reason, count FROM rejection_counts WHERE node_id = ?'),
      lastOf: db.prepare(
        'SELECT ts, reason, detail FROM rejections WHERE node_id = ? ORDER BY id DESC LIMIT ?',
      ),
      allCounts: db.prepare('SELECT reason, sum(count) AS n FROM rejection_counts GROUP BY reason'),
    };
  }

  /** A rejection whose commit is durable. */
  record(node: string, ts: number, reason: RejectReason, detail: string): void {
    this.pending.push({ node, ts, reason, detail });
  }

  /** Inside the fold's transaction: the held rejections, then each node's list cut to its last ones. */
  writePending(): void {
    const counts = new Map<string, number>();
    const nodes = new Set<string>();
    // only the last KEEP_REJECTIONS of a node are kept: older ones are counted, not written
    const kept = new Map<string, number>();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const r = this.pending[i] as RejectionRow & { node: string };
      const k = `${r.node}\u0000${r.reason}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      const n = kept.get(r.node) ?? 0;
      if (n < KEEP_REJECTIONS) kept.set(r.node, n + 1);
      else (r as { skip?: boolean }).skip = true;
    }
    for (const r of this.pending) {
      if ((r as { skip?: boolean }).skip) continue;
      this.stmts.insert.run(r.node, r.ts, r.reason, r.detail);
      nodes.add(r.node);
    }
    for (const [k, n] of counts) {
      const [node, reason] = k.split('\u0000') as [string, string];
      this.stmts.count.run(node, reason, n);
    }
    for (const node of nodes) this.stmts.prune.run(node, node, KEEP_REJECTIONS);
  }

  clearPending(): void {
    this.pending = [];
  }

  forgetPending(nodes: ReadonlySet<string>): void {
    this.pending = this.pending.filter((r) => !nodes.has(r.node));
  }

  /** Counts by reason, largest first. */
  countsOf(node: string): Array<{ reason: RejectReason; count: number }> {
    const counts = new Map<RejectReason, number>();
    for (const r of this.stmts.countsOf.all(node) as Array<{ reason: RejectReason; count: number }>)
      counts.set(r.reason, r.count);
    for (const r of this.pending) if (r.node === node) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
    return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  }

  /** The node's last rejections, newest first. */
  lastOf(node: string, limit: number): RejectionRow[] {
    const held: RejectionRow[] = [];
    for (let i = this.pending.length - 1; i >= 0 && held.length < limit; i--) {
      const r = this.pending[i] as RejectionRow & { node: string };
      if (r.node === node) held.push({ ts: r.ts, reason: r.reason, detail: r.detail });
    }
    if (held.length >= limit) return held;
    return [...held, ...(this.stmts.lastOf.all(node, limit - held.length) as RejectionRow[])];
  }

  /** The most frequent reasons over every node. */
  topReasons(limit: number): Array<{ reason: string; n: number }> {
    const counts = new Map<string, number>();
    for (const r of this.stmts.allCounts.all() as Array<{ reason: string; n: number }>)
      counts.set(r.reason, r.n);
    for (const r of this.pending) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
    return [...counts]
      .map(([reason, n]) => ({ reason, n }))
      .sort((a, b) => b.n - a.n)
      .slice(0, limit);
  }
}
