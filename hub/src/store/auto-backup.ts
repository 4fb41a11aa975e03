import fs from 'node:fs';
import path from 'node:path';
import { asLog } from '../log.ts';
import { placeBackup } from './backup.ts';
import { type Db, isEmptyDb } from './db.ts';

export interface AutoBackupOptions {
  db: Db;
  /** `<data>/backups`: shared with the console's manual `backup` command */
  dir: string;
  /** how many automatic backups to keep (older ones are deleted) */
  keep?: number;
  intervalMs?: number;
  /** delay before the first backup after start (a fresh start deserves a restorable copy soon) */
  firstDelayMs?: number;
  now?: () => number;
  log: (line: string) => void;
  /** told when a backup fails and when one succeeds again (disk full shows in the notices) */
  onHealth?: (ok: boolean, err?: Error) => void;
  /** runs before each copy: what ingest holds in memory is folded into the file (store.ts) */
  prepare?: () => Promise<void>;
}

const PREFIX = 'auto-';
/** pages copied per step: ingest writes between steps (SQLite online backup API) */
const PAGES_PER_STEP = 256;

/**
 * The daily consistent backup: SQLite's online backup (better-sqlite3 `db.backup`) into
 * `<data>/backups/auto-<time>.db`, written aside and renamed so a file with that name is always
 * complete. It is what start-up restores when the database is damaged (see recover-db.ts).
 */
export class AutoBackup {
  private readonly opts: AutoBackupOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string | null> | null = null;
  private stopped = false;
  lastBackup: string | null = null;

  constructor(opts: AutoBackupOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    // a copy interrupted by a power cut or kill -9 is never complete: remove it
    for (const f of safeList(this.opts.dir)) {
      if (f.startsWith(PREFIX) && f.endsWith('.partial'))
        fs.rmSync(path.join(this.opts.dir, f), { force: true });
    }
    // a hub that keeps crashing must still leave a backup behind: when the newest is older than the
    // interval (or there is none), the first one starts at once instead of after a settling delay
    const newest = listBackups(this.opts.dir)[0];
    const age = newest ? this.now() - fs.statSync(newest).mtimeMs : Number.POSITIVE_INFINITY;
    this.schedule(age >= this.interval ? 0 : (this.opts.firstDelayMs ?? 5_000));
  }

  private get interval(): number {
    return this.opts.intervalMs ?? 86_400_000;
  }

  /** Waits for a backup under way (the database must stay open until it ends). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => null);
  }

  /** Takes a backup now; resolves with its path, or null when it failed (already logged). */
  runOnce(): Promise<string | null> {
    if (!this.running) {
      this.running = this.backup().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => this.schedule(this.interval));
    }, ms);
    this.timer.unref();
  }

  private async backup(): Promise<string | null> {
    const { db, dir, log } = this.opts;
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const file = path.join(dir, `${PREFIX}${stamp}.db`);
    const partial = `${file}.partial`;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      await this.opts.prepare?.();
      // an empty database (a lost one, a careless fresh start) is no backup: it would become the
      // newest, and the one a restore picks, over the backups that hold the neighbourhood's data
      if (isEmptyDb(db) && listBackups(dir).length > 0) {
        asLog(log).warn('automatic backup skipped: the database is empty and earlier backups hold data');
        return null;
      }
      // created owner-only: SQLite would write the copy 0644 until the chmod below
      fs.writeFileSync(partial, '', { mode: 0o600 });
      await db.backup(partial, { progress: () => PAGES_PER_STEP });
      placeBackup(partial, file);
      this.prune();
      this.lastBackup = file;
      log(`automatic backup written: ${file} (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB)`);
      this.opts.onHealth?.(true);
      return file;
    } catch (err) {
      fs.rmSync(partial, { force: true });
      if (this.stopped && !db.open) return null;
      asLog(log).warn(`automatic backup failed: ${(err as Error).message}`);
      this.opts.onHealth?.(false, err as Error);
      return null;
    }
  }

  private prune(): void {
    const keep = this.opts.keep ?? 7;
    const autos = listBackups(this.opts.dir).filter((f) => path.basename(f).startsWith(PREFIX));
    for (const old of autos.slice(keep)) fs.rmSync(old, { force: true });
  }
}

/** Complete backups in `dir` (automatic and manual), newest first. */
export function listBackups(dir: string): string[] {
  return safeList(dir)
    .filter((n) => n.endsWith('.db'))
    .map((n) => path.join(dir, n))
    .map((f) => ({ f, t: fs.statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t)
    .map((x) => x.f);
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
