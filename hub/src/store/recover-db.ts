import fs from 'node:fs';
import path from 'node:path';
import { listBackups } from './auto-backup.ts';
import { type Db, openDb } from './db.ts';

export interface RecoverOptions {
  file: string;
  backupsDir: string;
  synchronous?: 'FULL' | 'NORMAL';
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
 * Opens the database; when SQLite finds it damaged (a bad sector, a half-written SD card, a file
 * overwritten), keeps it aside as `corrupt-<time>.db` for whoever wants to dig, restores the newest
 * backup that itself passes the check, and says so — a hub that refuses to start helps no one in a
 * community room. Other errors (permissions, disk full) are not damage and go up unchanged.
 */
export function openOrRecoverDb(opts: RecoverOptions): Opened {
  if (!fs.existsSync(opts.file)) return { db: openDb(opts), notices: [] };
  try {
    return { db: openChecked(opts.file, opts.synchronous, opts), notices: [] };
  } catch (err) {
    if (!isDamage(err)) throw err;
    return recover(opts, err as Error);
  }
}

function recover(opts: RecoverOptions, cause: Error): Opened {
  const now = opts.now ?? Date.now;
  const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
  const aside = path.join(path.dirname(opts.file), `corrupt-${stamp}.db`);
  // the WAL and shared-memory files belong to the damaged file: they go aside with it
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(opts.file + suffix)) fs.renameSync(opts.file + suffix, aside + suffix);
  }
  opts.log(`database damaged at start (${cause.message}): kept aside as ${aside}`);
  for (const backup of listBackups(opts.backupsDir)) {
    try {
      fs.copyFileSync(backup, opts.file);
      const db = openChecked(opts.file, opts.synchronous, opts);
      const when = new Date(fs.statSync(backup).mtimeMs).toISOString();
      opts.log(`restored ${backup}`);
      return {
        db,
        notices: [
          `database was damaged at start: kept aside as ${path.basename(aside)}, restored the backup of ${when} (${path.basename(backup)}); readings after it are back only if nodes resend them`,
        ],
      };
    } catch (err) {
      opts.log(`backup ${backup} is not usable: ${(err as Error).message}`);
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(opts.file + suffix, { force: true });
    }
  }
  return {
    db: openDb(opts),
    notices: [
      `database was damaged at start and no usable backup was found: kept aside as ${path.basename(aside)}, started empty`,
    ],
  };
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
