import type { Db } from './db.ts';

/**
 * Interop switches set on the console (`ha discovery on|off`), kept as rows of the `settings` table
 * under an `interop.` prefix (the settings schema ignores keys it does not know). Home Assistant
 * discovery asks on every stored reading, so each flag is read once and kept; this object is the
 * only writer of those rows while the hub (or the offline console) has the database open.
 */
export class InteropFlags {
  private readonly cache = new Map<string, boolean>();
  private readonly stmts;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      get: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      set: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  get(name: string): boolean {
    let on = this.cache.get(name);
    if (on === undefined) {
      on = (this.stmts.get.get(`interop.${name}`) as string | undefined) === 'true';
      this.cache.set(name, on);
    }
    return on;
  }

  set(name: string, on: boolean): void {
    this.stmts.set.run(`interop.${name}`, JSON.stringify(on));
    this.cache.set(name, on);
  }
}
