import fs from 'node:fs';

/**
 * What the write-ahead log of a database holds since it was last emptied (`wal_checkpoint(TRUNCATE)`):
 * pages written (frames) and transactions (commit frames: those whose header carries the database
 * size). Counts pages, what an SD card receives, instead of timing anything. Format: sqlite.org/walformat.html.
 */
export function walFrames(dbFile: string): { frames: number; commits: number } {
  let wal: Buffer;
  try {
    wal = fs.readFileSync(`${dbFile}-wal`);
  } catch {
    return { frames: 0, commits: 0 };
  }
  if (wal.length < 32) return { frames: 0, commits: 0 };
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let frames = 0;
  let commits = 0;
  // frames left from before the log restarted carry older salts: the log ends at the first of them
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    frames++;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return { frames, commits };
}
