import { Tariff, type TempoColour } from '../../../protocol/tariff.ts';
import type { Db, Statement } from './db.ts';

/** The tariff a hub uses until the admin sets one: France's regulated single rate of 2024, 6 kVA. */
export const DEFAULT_TARIFF: Tariff = {
  model: 'single',
  from: '1970-01-01',
  perKwh: 0.2516,
  dailyCharge: 0.4,
};

/** Who told the hub a Tempo day's colour: the console, or a device (`meter:<node>`). */
export const CONSOLE_SOURCE = 'console';

export type TempoDaySet = 'set' | 'unchanged' | 'kept';

/**
 * Tariffs with the date each applies from, and the colour of Tempo days (docs/MONEY.md, tables in
 * docs/DATA.md). A tariff's prices are kept as JSON beside its model, readable with SQLite's json
 * functions; rows are checked against the protocol's schema when read.
 */
export class TariffStore {
  private readonly stmts: Record<
    'list' | 'put' | 'exists' | 'remove' | 'colours' | 'day' | 'setDay' | 'clearDay',
    Statement
  >;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      list: db.prepare('SELECT valid_from, model, daily_charge, detail FROM tariffs ORDER BY valid_from'),
      exists: db.prepare('SELECT 1 FROM tariffs WHERE valid_from = ?'),
      put: db.prepare(
        `INSERT INTO tariffs (valid_from, model, daily_charge, detail, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (valid_from) DO UPDATE SET model = excluded.model, daily_charge = excluded.daily_charge,
           detail = excluded.detail, set_at = excluded.set_at`,
      ),
      remove: db.prepare('DELETE FROM tariffs WHERE valid_from = ?'),
      colours: db.prepare('SELECT day, colour FROM tempo_days WHERE day >= ? AND day <= ? ORDER BY day'),
      day: db.prepare('SELECT colour, source FROM tempo_days WHERE day = ?'),
      setDay: db.prepare(
        `INSERT INTO tempo_days (day, colour, source, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (day) DO UPDATE SET colour = excluded.colour, source = excluded.source, set_at = excluded.set_at`,
      ),
      clearDay: db.prepare('DELETE FROM tempo_days WHERE day = ?'),
    };
  }

  /** The tariffs the admin set, oldest first (rows edited by hand into nonsense are left out). */
  list(): Tariff[] {
    const out: Tariff[] = [];
    for (const row of this.stmts.list.all() as TariffRow[]) {
      let detail: unknown;
      try {
        detail = JSON.parse(row.detail);
      } catch {
        continue;
      }
      const parsed = Tariff.safeParse({
        ...(detail as object),
        model: row.model,
        from: row.valid_from,
        dailyCharge: row.daily_charge,
      });
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  /** What costs are computed with: the tariffs set, or the default until one is. */
  inForce(): Tariff[] {
    const list = this.list();
    return list.length > 0 ? list : [DEFAULT_TARIFF];
  }

  /** Adds a tariff, or replaces the one starting the same day. */
  put(tariff: Tariff, now: number): 'added' | 'replaced' {
    const existed = this.stmts.exists.get(tariff.from) !== undefined;
    const { model, from, dailyCharge, ...detail } = tariff;
    this.stmts.put.run(from, model, dailyCharge, JSON.stringify(detail), now);
    return existed ? 'replaced' : 'added';
  }

  remove(from: string): boolean {
    return this.stmts.remove.run(from).changes > 0;
  }

  /** Known Tempo colours from `first` to `last` (inclusive dates). */
  tempoColours(first: string, last: string): Map<string, TempoColour> {
    const rows = this.stmts.colours.all(first, last) as { day: string; colour: TempoColour }[];
    return new Map(rows.map((r) => [r.day, r.colour]));
  }

  tempoDay(day: string): { colour: TempoColour; source: string } | undefined {
    return this.stmts.day.get(day) as { colour: TempoColour; source: string } | undefined;
  }

  /**
   * Records the colour of a Tempo day (06:00 that day to 06:00 the next), or forgets it (`null`).
   * The one entry point for every source: the console, and devices that read it from the meter (a
   * Linky's TIC announces tomorrow's colour). The admin's word stands: a device does not overwrite
   * a colour set on the console (`kept`); the console overwrites anything.
   */
  setTempoDay(day: string, colour: TempoColour | null, source: string, now: number): TempoDaySet {
    const current = this.tempoDay(day);
    if (source !== CONSOLE_SOURCE && current?.source === CONSOLE_SOURCE) return 'kept';
    if (colour === null) return this.stmts.clearDay.run(day).changes > 0 ? 'set' : 'unchanged';
    if (current?.colour === colour && current.source === source) return 'unchanged';
    this.stmts.setDay.run(day, colour, source, now);
    return 'set';
  }
}

interface TariffRow {
  valid_from: string;
  model: string;
  daily_charge: number;
  detail: string;
}
