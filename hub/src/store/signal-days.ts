import type { EcowattLevel } from '../../../protocol/signal.ts';
import type { Db, Statement } from './db.ts';

/** What the admin said of a day for the signal, beside its Tempo colour (kept with the tariffs). */
export interface SignalDayRow {
  day: string;
  ecowatt: EcowattLevel | null;
  note: string | null;
  set_at: number;
}

/**
 * EcoWatt days and the admin's notes (`signal set DATE ecowatt-red "note"`, table `signal_days` in
 * docs/DATA.md). A Tempo colour goes to the tariffs' Tempo days instead (tariff-store.ts), so that
 * the cost of a red day and the signal agree.
 */
export class SignalDays {
  private readonly stmts: Record<'get' | 'range' | 'put' | 'remove', Statement>;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      get: db.prepare('SELECT day, ecowatt, note, set_at FROM signal_days WHERE day = ?'),
      range: db.prepare(
        'SELECT day, ecowatt, note, set_at FROM signal_days WHERE day >= ? AND day <= ? ORDER BY day',
      ),
      put: db.prepare(
        `INSERT INTO signal_days (day, ecowatt, note, set_at) VALUES (@day, @ecowatt, @note, @set_at)
         ON CONFLICT (day) DO UPDATE SET ecowatt = excluded.ecowatt, note = excluded.note, set_at = excluded.set_at`,
      ),
      remove: db.prepare('DELETE FROM signal_days WHERE day = ?'),
    };
  }

  get(day: string): SignalDayRow | undefined {
    return this.stmts.get.get(day) as SignalDayRow | undefined;
  }

  /** Days from `first` to `last` (inclusive) with something said of them. */
  range(first: string, last: string): SignalDayRow[] {
    return this.stmts.range.all(first, last) as SignalDayRow[];
  }

  /**
   * Sets what is given of a day (`undefined` leaves a field as it is, `null` clears it); a day left
   * with neither an EcoWatt level nor a note is forgotten.
   */
  set(day: string, change: { ecowatt?: EcowattLevel | null; note?: string | null }, now: number): void {
    const known = this.get(day);
    const row: SignalDayRow = {
      day,
      ecowatt: change.ecowatt === undefined ? (known?.ecowatt ?? null) : change.ecowatt,
      note: change.note === undefined ? (known?.note ?? null) : change.note,
      set_at: now,
    };
    if (row.ecowatt === null && row.note === null) this.stmts.remove.run(day);
    else this.stmts.put.run(row);
  }
}
