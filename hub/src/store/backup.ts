import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** Pages copied per step: small steps let ingest write between them (SQLite online backup). */
const PAGES_PER_STEP = 256;

/**
 * A consistent copy of the live database with SQLite's online backup API (better-sqlite3
 * `db.backup`): the hub keeps ingesting while it runs, and the copy is one point in time. Written
 * aside and renamed, so a file with the final name is always a complete backup.
 */
export async function backupDb(
  db: Db,
  file: string,
  onProgress?: (p: BackupProgress) => void,
): Promise<{ bytes: number; pages: number }> {
  if (fs.existsSync(file)) throw new Error(`${file} exists already: choose another file name`);
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  // created owner-only: SQLite would write the copy 0644 until placeBackup's chmod
  fs.writeFileSync(partial, '', { mode: 0o600 });
  let pages = 0;
  try {
    const result = await db.backup(partial, {
      progress: (p) => {
        pages = p.totalPages;
        onProgress?.(p);
        return PAGES_PER_STEP;
      },
    });
    pages = result.totalPages;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  placeBackup(partial, file);
  return { bytes: fs.statSync(file).size, pages };
}

/**
 * Puts a finished copy in place so that a power cut cannot take it back: the copy synced, made
 * owner-only (node secrets are scrypt hashes, but readings are a household's life), renamed, then its
 * directory synced, and the directory's own parent (the first backup creates the folder). Without
 * the directory syncs the rename may still be only in memory: after a power cut the copy would come
 * back under its `.partial` name, which the next start deletes (docs/RELIABILITY.md).
 */
export function placeBackup(partial: string, file: string): void {
  const fd = fs.openSync(partial, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, file);
  const dir = path.dirname(file);
  syncDir(dir);
  syncDir(path.dirname(dir));
}

function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (err) {
    // a manual backup's folder may not be readable by the hub: the copy is in place and synced
    if ((err as NodeJS.ErrnoException).code === 'EACCES') return;
    throw err;
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    // some file systems refuse to sync a directory: the name is as durable as they allow
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  } finally {
    fs.closeSync(fd);
  }
}
