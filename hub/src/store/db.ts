import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';
import { prepareDbFile } from './owner-only.ts';

export type Db = Database.Database;
export type Statement = Database.Statement;

export interface OpenDbOptions {
  file: string;
  /** FULL survives power loss on an SD card; NORMAL is for tests and benchmarks that say so */
  synchronous?: 'FULL' | 'NORMAL';
  /** where a copy goes before migrations change an existing database; default `<dir>/backups` */
  backupsDir?: string;
  log?: (line: string) => void;
  /** stop at this schema version: how the tests make the databases earlier hubs left */
  upTo?: number;
}

/**
 * A database written by a newer Communs: an older hub must not run on it (its code would not know
 * the newer tables, and no migration goes backwards). The message is the one line the admin sees.
 */
export class NewerSchemaError extends Error {
  readonly code = 'COMMUNS_NEWER_SCHEMA';
}

/**
 * The one place that opens SQLite. WAL, foreign keys on, migrations applied, after a copy of the
 * database as it was (docs/DEPLOY.md, "Updating").
 */
export function openDb(opts: OpenDbOptions): Db {
  fs.mkdirSync(path.dirname(opts.file), { recursive: true, mode: 0o700 });
  // owner-only before SQLite opens it: its WAL and shared-memory files take the same mode
  prepareDbFile(opts.file);
  const db = new Database(opts.file);
  const found = schemaVersion(db);
  if (found > MIGRATIONS.length) {
    db.close();
    throw new NewerSchemaError(
      `${opts.file} has schema version ${found}, newer than this hub knows (${MIGRATIONS.length}): it was written by a newer Communs — run that version again, or restore a backup made before the update (docs/DEPLOY.md, Updating)`,
    );
  }
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
  const target = opts.upTo ?? MIGRATIONS.length;
  try {
    if (found > 0 && found < target) backupBeforeMigration(db, opts, found, target);
    migrate(db, target);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** A database that holds nothing a neighbourhood would miss: no household, no node, no reading. */
export function isEmptyDb(db: Db): boolean {
  const n = db
    .prepare(
      `SELECT (SELECT count(*) FROM households) + (SELECT count(*) FROM nodes)
            + (SELECT count(*) FROM reading_blocks) + (SELECT count(*) FROM readings)`,
    )
    .pluck()
    .get() as number;
  return n === 0;
}

/**
 * `VACUUM INTO` writes a consistent, compact copy in one statement (synchronous, unlike the online
 * backup API): `backups/pre-migration-v4-to-v5-<time>.db`. Restoring it and running the older hub
 * undoes an update. It is kept until the admin removes it; recover-db.ts may restore it like any
 * backup (the hub then migrates it again).
 */
function backupBeforeMigration(db: Db, opts: OpenDbOptions, from: number, to: number): void {
  const dir = opts.backupsDir ?? path.join(path.dirname(opts.file), 'backups');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `pre-migration-v${from}-to-v${to}-${stamp}.db`);
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  db.prepare('VACUUM INTO ?').run(partial);
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, file);
  opts.log?.(`database schema ${from} → ${to}: the database as it was is kept in ${file}`);
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, target: number): void {
  for (let v = schemaVersion(db); v < target; v++) {
    const sql = MIGRATIONS[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * Runs `write` (which commits) without SQLite's own sync at commit, for writes whose loss in a power
 * cut costs nothing: derived data, a move the next run repeats. They reach the disk with the next
 * synced transaction (a fold: hub/src/store/readings-store.ts).
 */
export function withoutSync<T>(db: Db, write: () => T): T {
  if (db.inTransaction || (db.pragma('synchronous', { simple: true }) as number) < 2) return write();
  db.exec('PRAGMA synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.exec('PRAGMA synchronous = FULL');
  }
}
