import fs from 'node:fs';
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
  // created owner-only: SQLite would write the copy 0644 until the chmod below
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
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, file);
  return { bytes: fs.statSync(file).size, pages };
}
