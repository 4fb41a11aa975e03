import type { Db } from './db.ts';

/**
 * Interop switches set on the console (`ha discovery on|off`). Kept as rows of the `settings` table
 * under an `interop.` prefix: the settings schema ignores keys it does not know.
 */
export function getFlag(db: Db, name: string): boolean {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(`interop.${name}`) as
    | { value: string }
    | undefined;
  return row?.value === 'true';
}

export function setFlag(db: Db, name: string, on: boolean): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(`interop.${name}`, JSON.stringify(on));
}
