import fs from 'node:fs';
import path from 'node:path';
import { asLog } from '../log.ts';
import { listBackups } from './auto-backup.ts';
import { type Db, isEmptyDb, openDb } from './db.ts';

export interface RecoverOptions {
  file: string;
  backupsDir: string;
  /** the commit log beside the database (set aside with it on a deliberate fresh start) */
  commitLog?: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** start a new, empty database on purpose (`communs hub --new`): the old one is kept aside */
  fresh?: boolean;
  now?: () => number;
  log: (line: string) => void;
}

export interface Opened {
  db: Db;
  /** what people should be told (the dashboard and the console show it) */
  notices: string[];
}

class DamagedDb extends Error {
  code = 'SQLITE_CORRUPT';
}

/**
 * Opens the database, and never starts a silent fresh hub over a lost one. When the file is
 * missing, empty (a failed SD card write, a careless `>`) or damaged (a bad sector, a file
 * overwritten) and backups exist, what is left of it is kept aside for whoever wants to dig, the
 * newest backup that passes the check and holds data is restored, and a notice says so — a hub that
 * refuses to start helps no one in a community room. The commit log then applies, onto the restored
 * backup, whatever it still holds (hub/src/store/readings-store.ts). Other errors (permissions, disk
 * full) are not damage and go up unchanged. `fresh` starts over on purpose, keeping the old file.
 */
export function openOrRecoverDb(opts: RecoverOptions): Opened {
  const exists = fs.existsSync(opts.file);
  if (opts.fresh) return startFresh(opts, exists);
  if (!exists) {
    // a first start has no backup: that is the only silent fresh start
    if (usableBackups(opts).length === 0) return { db: openDb(opts), notices: [] };
    return restore(opts, 'was missing');
  }
  if (fs.statSync(opts.file).size === 0) {
    setAside(opts, 'empty');
    return restore(opts, 'was empty (0 bytes)');
  }
  try {
    return { db: openChecked(opts.file, opts.synchronous, opts), notices: [] };
  } catch (err) {
    if (!isDamage(err)) throw err;
    const aside = setAside(opts, 'corrupt');
    asLog(opts.log).error(`database damaged at start (${(err as Error).message}): kept aside as ${aside}`);
    return restore(opts, `was damaged at start: kept aside as ${path.basename(aside)}`);
  }
}

/** Restores the newest good backup; starts empty, saying so, when there is none. */
function restore(opts: RecoverOptions, what: string): Opened {
  for (const backup of usableBackups(opts)) {
    try {
      fs.copyFileSync(backup, opts.file);
      fs.chmodSync(opts.file, 0o600);
      const db = openChecked(opts.file, opts.synchronous, opts);
      if (isEmptyDb(db)) {
        db.close();
        throw new Error('it holds no household, node or reading');
      }
      const when = new Date(fs.statSync(backup).mtimeMs).toISOString();
      asLog(opts.log).warn(`database ${what}: restored ${backup}`);
      return {
        db,
        notices: [
          `database ${what}; restored the backup of ${when} (${path.basename(backup)}); readings after it are back where the commit log still held them, or when nodes resend them`,
        ],
      };
    } catch (err) {
      asLog(opts.log).warn(`backup ${backup} is not usable: ${(err as Error).message}`);
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(opts.file + suffix, { force: true });
    }
  }
  asLog(opts.log).error(
    `database ${what} and no usable backup was found in ${opts.backupsDir}: starting empty`,
  );
  return {
    db: openDb(opts),
    notices: [`database ${what} and no usable backup was found: started empty`],
  };
}

function startFresh(opts: RecoverOptions, exists: boolean): Opened {
  const aside = exists ? setAside(opts, 'set-aside') : undefined;
  if (opts.commitLog && fs.existsSync(opts.commitLog)) {
    fs.renameSync(
      opts.commitLog,
      `${aside ?? path.join(path.dirname(opts.file), `set-aside-${stamp(opts)}`)}.log`,
    );
  }
  const kept = aside ? `; the previous one is kept as ${path.basename(aside)}` : '';
  asLog(opts.log).warn(`started a new, empty database as asked (--new)${kept}`);
  return { db: openDb(opts), notices: [`a new, empty database was started on purpose (--new)${kept}`] };
}

/** Moves the database and its WAL files aside as `<label>-<time>.db`; returns that path. */
function setAside(opts: RecoverOptions, label: string): string {
  const aside = path.join(path.dirname(opts.file), `${label}-${stamp(opts)}.db`);
  // the WAL and shared-memory files belong to the file: they go aside with it
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(opts.file + suffix)) fs.renameSync(opts.file + suffix, aside + suffix);
  }
  return aside;
}

function stamp(opts: RecoverOptions): string {
  return new Date((opts.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
}

/** Backups newest first, empty files left out. */
function usableBackups(opts: RecoverOptions): string[] {
  return listBackups(opts.backupsDir).filter((f) => fs.statSync(f).size > 0);
}

function openChecked(
  file: string,
  synchronous: 'FULL' | 'NORMAL' | undefined,
  opts: { backupsDir: string; log: (line: string) => void },
): Db {
  const db = openDb({
    file,
    ...(synchronous ? { synchronous } : {}),
    backupsDir: opts.backupsDir,
    log: opts.log,
  });
  try {
    // quick_check reads every page but skips index cross-checks: O(size), seconds on a Pi
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new DamagedDb(`quick_check: ${String(result)}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}
