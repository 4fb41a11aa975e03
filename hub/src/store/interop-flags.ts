import type { Db } from './db.ts';

/**
 * Interop switches set on the console (`ha discovery on|off`), and names the interop room keeps,
 * kept as rows of the `settings` table under an `interop.` prefix (the settings schema ignores keys
 * it does not know). Home Assistant discovery asks on every stored reading, so each flag is read
 * once and kept; this object is the only writer of those rows while the hub (or the offline console)
 * has the database open.
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

  /**
   * A name kept once chosen: the id Home Assistant knows this hub by (its unique ids and state
   * topics start with it). `initial` gives it the first time, so renaming the neighbourhood later
   * changes nothing a resident's Home Assistant keys its entities and history on.
   */
  keptName(name: string, initial: () => string): string {
    const key = `interop.${name}`;
    const stored = this.stmts.get.get(key) as string | undefined;
    if (stored !== undefined) {
      try {
        const kept: unknown = JSON.parse(stored);
        if (typeof kept === 'string' && kept !== '') return kept;
      } catch {
        // unreadable: chosen again below
      }
    }
    const value = initial();
    this.stmts.set.run(key, JSON.stringify(value));
    return value;
  }
}
