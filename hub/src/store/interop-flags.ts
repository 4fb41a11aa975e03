import type { Db } from './db.ts';

/**
 * Interop switches set on the console (`ha discovery on|off`), and names the interop room keeps. Kept
 * as rows of the `settings` table under an `interop.` prefix: the settings schema ignores keys it
 * does not know.
 *
 * Home Assistant discovery asks on every stored reading, so the flags are read once per database
 * and kept in memory; `setFlag` is the only writer (the console runs inside the hub, or alone on
 * the data directory while no hub runs), so the copy cannot go stale.
 */
const cached = new WeakMap<Db, Map<string, boolean>>();

export function getFlag(db: Db, name: string): boolean {
  let flags = cached.get(db);
  if (!flags) {
    flags = new Map();
    cached.set(db, flags);
  }
  let on = flags.get(name);
  if (on === undefined) {
    const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(`interop.${name}`) as
      | { value: string }
      | undefined;
    on = row?.value === 'true';
    flags.set(name, on);
  }
  return on;
}

export function setFlag(db: Db, name: string, on: boolean): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(`interop.${name}`, JSON.stringify(on));
  cached.get(db)?.set(name, on);
}

/**
 * A name kept once chosen: the id Home Assistant knows this hub by (its unique ids and state topics
 * start with it). `initial` gives it the first time, so renaming the neighbourhood later changes
 * nothing a resident's Home Assistant keys its entities and history on.
 */
export function keptName(db: Db, name: string, initial: () => string): string {
  const key = `interop.${name}`;
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  if (row) {
    try {
      const kept: unknown = JSON.parse(row.value);
      if (typeof kept === 'string' && kept !== '') return kept;
    } catch {
      // unreadable: chosen again below
    }
  }
  const value = initial();
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
  return value;
}
