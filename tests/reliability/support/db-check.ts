import fs from 'node:fs';
import path from 'node:path';
import { type Db, openDb } from '../../../hub/src/store/db.ts';
import { Registry } from '../../../hub/src/store/registry.ts';
import { Store } from '../../../hub/src/store/store.ts';
import { rollupDifferences, rowsInOpenBuckets } from '../../support/rollup-check.ts';

export interface DbCheck {
  quickCheck: string;
  /** `PRAGMA integrity_check`, when asked for (it reads every page: slower) */
  integrityCheck?: string;
  /** node id → sequence numbers stored */
  seqs: Map<string, Set<number>>;
  rows: number;
  /**
   * rollups, as the hub reads them (the table merged with the hours and days it holds until they
   * close), that differ from the aggregate of the raw readings or have none; and table rows in
   * buckets the hub holds, which a restart would count twice
   */
  rollupMismatches: number;
}

/**
 * Opens the database the way the hub does at start — `PRAGMA quick_check` (and `integrity_check`
 * with `integrity`), then the commit log's records after the last fold applied again and folded
 * (hub/src/store/readings-store.ts) — and reads what is stored. `replay: false` reads the database
 * alone: what a running hub has folded (it folds what it replayed at its start), or what a clean stop
 * left; the log is then neither opened nor written.
 */
export function checkDb(file: string, opts: { integrity?: boolean; replay?: boolean } = {}): DbCheck {
  const db = openDb({ file, synchronous: 'NORMAL' });
  try {
    const quickCheck = String(db.pragma('quick_check', { simple: true }));
    const integrityCheck = opts.integrity
      ? String(db.pragma('integrity_check', { simple: true }))
      : undefined;
    const log = path.join(path.dirname(file), 'ingest.log');
    const replay = opts.replay !== false && fs.existsSync(log);
    const store = new Store({ db, ...(replay ? { commitLog: log } : {}) });
    if (replay) {
      store.readings.open();
      store.readings.fold();
    }
    const seqs = new Map<string, Set<number>>();
    const rows = db
      .prepare(
        'SELECT s.node_id AS node, r.seq AS seq FROM all_readings r JOIN sensors s ON s.id = r.sensor_id',
      )
      .all() as { node: string; seq: number }[];
    for (const r of rows) {
      const set = seqs.get(r.node) ?? new Set<number>();
      set.add(r.seq);
      seqs.set(r.node, set);
    }
    const rollupMismatches =
      rollupDifferences(db, store.rollups).length +
      rowsInOpenBuckets(db, (p) => store.readings.rollups.openFromOf(p));
    return { quickCheck, integrityCheck, seqs, rows: rows.length, rollupMismatches };
  } finally {
    db.close();
  }
}

/** Provisions nodes in a fresh data directory before any hub runs; returns their secrets. */
export async function provision(
  file: string,
  nodes: string[],
  sharing: 'community' | 'private' = 'community',
): Promise<Map<string, string>> {
  const db: Db = openDb({ file, synchronous: 'NORMAL' });
  try {
    const registry = new Registry({ db });
    registry.load();
    const secrets = new Map<string, string>();
    for (const id of nodes) {
      registry.addHousehold({ id: `h-${id}`, name: `Household ${id}`, sharing });
      secrets.set(id, (await registry.addNode({ id, household: `h-${id}` })).secret);
    }
    return secrets;
  } finally {
    db.close();
  }
}

/** Sequence numbers in [0, n) missing from `have`. */
export function missing(have: Set<number> | undefined, n: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < n; s++) if (!have?.has(s)) out.push(s);
  return out;
}

/**
 * Provisions many nodes quickly: one real `addNode`, then rows that share its secret hash. Each
 * node still costs the hub one scrypt at its first login (the cache is per node), but the test
 * does not spend 100 ms of scrypt per node before it starts.
 */
export async function provisionMany(file: string, ids: string[]): Promise<string> {
  const db: Db = openDb({ file, synchronous: 'NORMAL' });
  try {
    const registry = new Registry({ db });
    registry.load();
    registry.addHousehold({ id: 'h-many', name: 'Many', sharing: 'community' });
    const [first, ...rest] = ids;
    const { node, secret } = await registry.addNode({ id: first as string, household: 'h-many' });
    const insert = db.prepare(
      'INSERT INTO nodes (id, name, household_id, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const id of rest) insert.run(id, id, 'h-many', node.secret_hash, Date.now());
    })();
    return secret;
  } finally {
    db.close();
  }
}

/** Resident memory of another process, in MB (Linux /proc). */
export function processRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}
