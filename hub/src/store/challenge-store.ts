import { Challenge } from '../../../protocol/challenge.ts';
import type { Db, Statement } from './db.ts';

interface ChallengeRow {
  id: string;
  title: string;
  day: string;
  from_time: string;
  to_time: string;
  target_pct: number;
  created_at: number;
  result: string | null;
}

/** A challenge as declared, and its result once it was first published (JSON, read back as given). */
export interface StoredChallenge {
  challenge: Challenge;
  createdAt: number;
  result: unknown;
}

/**
 * Collective challenges declared on the console (`challenge add`, table `challenges` in
 * docs/DATA.md). A result is written once, when every hour of the window has been decided by the
 * privacy rule, and never again: a figure people have read does not change under them.
 */
export class ChallengeStore {
  private readonly stmts: Record<'all' | 'get' | 'between' | 'add' | 'remove' | 'result', Statement>;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    const cols = 'id, title, day, from_time, to_time, target_pct, created_at, result';
    this.stmts = {
      all: db.prepare(`SELECT ${cols} FROM challenges ORDER BY day, from_time, id`),
      get: db.prepare(`SELECT ${cols} FROM challenges WHERE id = ?`),
      between: db.prepare(
        `SELECT ${cols} FROM challenges WHERE day >= ? AND day <= ? ORDER BY day, from_time, id`,
      ),
      add: db.prepare(
        `INSERT INTO challenges (id, title, day, from_time, to_time, target_pct, created_at)
         VALUES (@id, @title, @date, @from, @to, @targetPct, @createdAt)`,
      ),
      remove: db.prepare('DELETE FROM challenges WHERE id = ?'),
      result: db.prepare('UPDATE challenges SET result = ? WHERE id = ? AND result IS NULL'),
    };
  }

  /** Every challenge, in the order of their windows (rows edited by hand into nonsense are left out). */
  all(): StoredChallenge[] {
    return read(this.stmts.all.all() as ChallengeRow[]);
  }

  /** Challenges whose date is from `first` to `last` (inclusive). */
  between(first: string, last: string): StoredChallenge[] {
    return read(this.stmts.between.all(first, last) as ChallengeRow[]);
  }

  get(id: string): StoredChallenge | undefined {
    return read(this.stmts.get.all(id) as ChallengeRow[])[0];
  }

  /** False when a challenge of that id exists already. */
  add(c: Challenge, now: number): boolean {
    if (this.stmts.get.get(c.id)) return false;
    this.stmts.add.run({ ...c, createdAt: now });
    return true;
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  /** Keeps a challenge's result; a result already kept stays as it is. */
  keepResult(id: string, result: unknown): void {
    this.stmts.result.run(JSON.stringify(result), id);
  }
}

function read(rows: readonly ChallengeRow[]): StoredChallenge[] {
  const out: StoredChallenge[] = [];
  for (const r of rows) {
    const parsed = Challenge.safeParse({
      id: r.id,
      title: r.title,
      date: r.day,
      from: r.from_time,
      to: r.to_time,
      targetPct: r.target_pct,
    });
    if (!parsed.success) continue;
    let result: unknown = null;
    try {
      result = r.result === null ? null : JSON.parse(r.result);
    } catch {
      result = null;
    }
    out.push({ challenge: parsed.data, createdAt: r.created_at, result });
  }
  return out;
}
