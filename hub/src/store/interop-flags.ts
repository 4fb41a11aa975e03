import type { Db } from './db.ts';

/**
 * Interop switches set on the console (`ha discovery on|off`). Kept as rows of the `settings` table
 * under an `interop.` prefix: the settings schema ignores keys it does not know.
 */
/** One prepared statement per connection: Home Assistant discovery asks on every stored reading. */
const selects = new WeakMap<Db, ReturnType<Db['prepare']>>();

export function getFlag(db: Db, name: string): boolean {
  let select = selects.get(db);
  if (!select) {
    select = db.prepare('SELECT value FROM settings WHERE key = ?');
    selects.set(db, select);
  }
  const row = select.get(`interop.${name}`) as { value: string } | undefined;
  return row?.value === 'true';
}

export function setFlag(db: Db, name: string, on: boolean): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(`interop.${name}`, JSON.stringify(on));
}
