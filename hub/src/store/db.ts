import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;
export type Statement = Database.Statement;

export interface OpenDbOptions {
  file: string;
  /** FULL survives power loss on an SD card; NORMAL is for tests and benchmarks that say so */
  synchronous?: 'FULL' | 'NORMAL';
}

/** The one place that opens SQLite. WAL, foreign keys on, migrations applied. */
export function openDb(opts: OpenDbOptions): Db {
  fs.mkdirSync(path.dirname(opts.file), { recursive: true });
  const db = new Database(opts.file);
  // Each commit writes every page it touches to the WAL, and a checkpoint writes it again: with
  // readings spread over one page per series, page size and checkpoint spacing decide how much an
  // SD card wears. Measured (docs/PERFORMANCE.md): 4 KiB pages, checkpoint every 1000 pages:
  // ~11 KB written per reading at 200 households; 1 KiB pages, every 8000 pages (8 MiB of WAL):
  // ~5 KB. page_size only applies to a new file (before WAL), so it is set first.
  db.pragma('page_size = 1024');
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 8000');
  db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // erased means erased (docs/PRIVACY.md): deleted and updated rows are overwritten with zeros, not left
  // readable in free space. Costs a write of each page freed (the packer frees ~1 a second).
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  // chart reads walk a series' rollups page by page: 16 MiB of page cache (2 MiB by default) keeps
  // the day charts of a few hundred series in memory (bench queries); it fills only as pages are read
  db.pragma('cache_size = -16384');
  // the collective cache's TEMP tables live in memory: a chart request never writes to disk
  db.pragma('temp_store = MEMORY');
  migrate(db);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  for (let v = schemaVersion(db); v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
