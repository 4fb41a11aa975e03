import type { Db } from './db.ts';
import type { RecentReadings } from './recent-readings.ts';

/** The hub's last known good time, kept as the `clock.saved` row of `settings` (docs/DATA.md). */
export interface SavedTime {
  /** the hub's trusted time when saved (epoch ms) */
  ts: number;
  /** what the admin's `time set` added to the machine's clock */
  offsetMs: number;
  /** the machine's boot the offset belongs to: after a reboot the machine's clock starts anew */
  bootId: string | null;
}

const KEY = 'clock.saved';

/** What the hub's trusted clock reads and writes in the database. */
export class ClockStore {
  private readonly db: Db;
  private readonly recent: RecentReadings | undefined;

  /** `recent`: the readings committed since the last fold, held in memory (readings-store.ts) */
  constructor(opts: { db: Db; recent?: RecentReadings }) {
    this.db = opts.db;
    this.recent = opts.recent;
  }

  saved(): SavedTime | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(KEY) as
      | { value: string }
      | undefined;
    if (!row) return null;
    try {
      const v = JSON.parse(row.value) as Partial<SavedTime>;
      if (typeof v.ts !== 'number' || !Number.isFinite(v.ts)) return null;
      return {
        ts: v.ts,
        offsetMs: typeof v.offsetMs === 'number' ? v.offsetMs : 0,
        bootId: typeof v.bootId === 'string' ? v.bootId : null,
      };
    } catch {
      // a row edited by hand into something unreadable: as if never saved
      return null;
    }
  }

  save(t: SavedTime): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(KEY, JSON.stringify(t));
  }

  /** The time of the newest raw reading stored (held in memory, rows, blocks); null when none is. */
  newestReadingTs(): number | null {
    const found = [
      this.recent?.newest() ?? null,
      this.db.prepare('SELECT max(ts) FROM readings').pluck().get() as number | null,
      this.db.prepare('SELECT max(t1) FROM reading_blocks').pluck().get() as number | null,
    ].filter((t): t is number => t !== null);
    return found.length ? Math.max(...found) : null;
  }
}
