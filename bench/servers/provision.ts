import { randomBytes, scryptSync } from 'node:crypto';
import type { Db } from '../../hub/src/store/db.ts';

/** The one secret every benchmark node logs in with. */
export const BENCH_SECRET = 'bench-secret';

/**
 * A scrypt hash of BENCH_SECRET at N = 2^10 instead of the hub's 2^14. The stored string carries its
 * own cost, so the hub verifies it unchanged; only the login of 1,000 nodes gets ~16× cheaper
 * (60 ms → 4 ms here), which keeps the memory benchmark's connection phase to seconds. Nothing
 * measured after login depends on it.
 */
function cheapHash(): string {
  const salt = randomBytes(16);
  const key = scryptSync(BENCH_SECRET, salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export function nodeId(i: number): string {
  return `n${String(i).padStart(4, '0')}`;
}

/**
 * Bulk provisioning, straight into the tables the registry loads at start: `count` households
 * (sharing `community`, so their series are public), one node each, one power sensor `p` each.
 * Returns the sensor ids in node order.
 */
export function provisionNodes(db: Db, count: number): number[] {
  const hash = cheapHash();
  const now = Date.now();
  const household = db.prepare(
    "INSERT OR IGNORE INTO households (id, name, kind, sharing, created_at) VALUES (?, ?, 'household', 'community', ?)",
  );
  const node = db.prepare(
    'INSERT OR IGNORE INTO nodes (id, name, household_id, secret_hash, created_at, board) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const sensor = db.prepare(
    `INSERT INTO sensors (node_id, sensor, quantity, unit) VALUES (?, 'p', 'power', 'W')
     ON CONFLICT (node_id, sensor) DO UPDATE SET unit = 'W' RETURNING id`,
  );
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = nodeId(i);
      household.run(`h-${id}`, `Household ${id}`, now);
      node.run(id, id, `h-${id}`, hash, now, 'bench');
      ids.push((sensor.get(id) as { id: number }).id);
    }
  })();
  return ids;
}

/**
 * An energy meter `e` (Wh) beside each of the `count` nodes of `provisionNodes`, as a household's
 * kit often has both. Returns the meters' sensor ids in node order.
 */
export function provisionMeters(db: Db, count: number): number[] {
  const sensor = db.prepare(
    `INSERT INTO sensors (node_id, sensor, quantity, unit) VALUES (?, 'e', 'energy', 'Wh')
     ON CONFLICT (node_id, sensor) DO UPDATE SET unit = 'Wh' RETURNING id`,
  );
  return db.transaction(() =>
    Array.from({ length: count }, (_, i) => (sensor.get(nodeId(i)) as { id: number }).id),
  )();
}
