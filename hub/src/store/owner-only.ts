import fs from 'node:fs';
import path from 'node:path';

/**
 * The database holds every household's readings: only the hub's user may read it. SQLite creates
 * its files 0644 (less the umask) and gives the WAL and shared-memory files the mode of the
 * database file, so the database file is created 0600 before SQLite opens it, and files left wider
 * by an older version or a copy are narrowed at start.
 */
const DB_SUFFIXES = ['', '-wal', '-shm'] as const;

/**
 * Narrows `target` to `mode` when others or the group may read it. Returns the mode it had when it
 * was changed; undefined when it was already narrow, is missing, or is not ours to change.
 */
export function ownerOnly(target: string, mode: 0o600 | 0o700): number | undefined {
  let was: number;
  try {
    was = fs.statSync(target).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((was & 0o077) === 0) return undefined;
  try {
    fs.chmodSync(target, mode);
    return was;
  } catch {
    // a file we may write but do not own (EPERM): left as it is rather than refusing to start
    return undefined;
  }
}

/** Creates the database file owner-only if it is missing, and narrows it and its WAL files. */
export function prepareDbFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const suffix of DB_SUFFIXES) ownerOnly(file + suffix, 0o600);
}

/**
 * Closes the data dir (0700), the files in it — the database, its WAL files, the commit log, a
 * damaged database kept aside — and the backups (dir 0700, files 0600) to other users; one line
 * for each that was open, to say so.
 */
export function closeDataDir(opts: { dataDir: string; backupsDir: string }): string[] {
  const lines = [...narrowed(opts.dataDir, 0o700), ...narrowed(opts.backupsDir, 0o700)];
  for (const dir of [opts.dataDir, opts.backupsDir]) {
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) lines.push(...narrowed(path.join(dir, entry.name), 0o600));
    }
  }
  return lines;
}

function narrowed(target: string, mode: 0o600 | 0o700): string[] {
  const was = ownerOnly(target, mode);
  return was === undefined
    ? []
    : [`${target} was readable by other users (${was.toString(8)}): now ${mode.toString(8)}`];
}
