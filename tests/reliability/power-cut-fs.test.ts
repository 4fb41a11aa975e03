import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PowerCutFs } from './support/power-cut-fs.ts';

// The filesystem the power-cut test runs the hub on (support/power-cut-fs.py): what it keeps and
// what it forgets, each rule checked on its own, so a hub that survives it survives for a reason.

const skipReason = await PowerCutFs.unavailable(
  fs.mkdtempSync(path.join(os.tmpdir(), 'communs-fuse-probe-')),
);
if (skipReason) console.warn(`power-cut filesystem tests skipped: ${skipReason}`);

const dirs: string[] = [];
let disk: PowerCutFs | undefined;

afterEach(async () => {
  await disk?.cut();
  await disk?.unmount();
  disk = undefined;
});

afterAll(() => {
  for (const d of dirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.warn(`power-cut filesystem tests: could not remove ${d}: ${(err as Error).message}`);
    }
  }
});

async function freshDisk(): Promise<{ disk: PowerCutFs; at: (name: string) => string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-powercut-fs-'));
  dirs.push(dir);
  disk = new PowerCutFs({ dir });
  await disk.mount();
  const d = disk;
  return { disk: d, at: (name) => path.join(d.mountpoint, name) };
}

/** The power goes and comes back: cut, remove the dead mount, mount what survived. */
async function powerCycle(d: PowerCutFs): Promise<void> {
  await d.cut();
  await d.unmount();
  await d.mount();
}

function writeFile(file: string, data: string, sync: 'none' | 'fsync' | 'fdatasync'): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, data);
  if (sync === 'fsync') fs.fsyncSync(fd);
  if (sync === 'fdatasync') fs.fdatasyncSync(fd);
  fs.closeSync(fd);
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

describe.skipIf(skipReason !== null)('the power-cut filesystem', () => {
  it('reads see unsynced writes; a cut forgets them and keeps what fsync or fdatasync wrote', async () => {
    const { disk, at } = await freshDisk();
    writeFile(at('a'), 'first', 'fsync');
    writeFile(at('b'), 'first', 'fdatasync');
    syncDir(disk.mountpoint);
    const fd = fs.openSync(at('a'), 'r+');
    fs.writeSync(fd, 'SECOND, longer', 0);
    fs.closeSync(fd);
    fs.appendFileSync(at('b'), ' and more');
    expect(fs.readFileSync(at('a'), 'utf8')).toBe('SECOND, longer');
    expect(fs.readFileSync(at('b'), 'utf8')).toBe('first and more');
    // close() made nothing durable: the page cache is gone with the power
    await powerCycle(disk);
    expect(fs.readFileSync(at('a'), 'utf8')).toBe('first');
    expect(fs.readFileSync(at('b'), 'utf8')).toBe('first');
  });

  it('a new file, a rename and an unlink last only once their directory is fsynced', async () => {
    const { disk, at } = await freshDisk();
    writeFile(at('kept'), 'old', 'fsync');
    writeFile(at('gone'), 'x', 'fsync');
    syncDir(disk.mountpoint);
    // synced data, but no directory fsync after the names changed
    writeFile(at('new'), 'data', 'fsync');
    writeFile(at('kept.tmp'), 'replacement', 'fsync');
    fs.renameSync(at('kept.tmp'), at('kept'));
    fs.unlinkSync(at('gone'));
    fs.mkdirSync(at('sub'));
    expect(fs.readdirSync(disk.mountpoint).sort()).toEqual(['kept', 'new', 'sub']);
    await powerCycle(disk);
    // kept.tmp too: it was created after the last directory fsync
    expect(fs.readdirSync(disk.mountpoint).sort()).toEqual(['gone', 'kept']);
    expect(fs.readFileSync(at('kept'), 'utf8')).toBe('old');
    // the same steps followed by a directory fsync
    writeFile(at('new'), 'data', 'fsync');
    writeFile(at('kept.tmp'), 'replacement', 'fsync');
    fs.renameSync(at('kept.tmp'), at('kept'));
    fs.unlinkSync(at('gone'));
    syncDir(disk.mountpoint);
    await powerCycle(disk);
    expect(fs.readdirSync(disk.mountpoint).sort()).toEqual(['kept', 'new']);
    expect(fs.readFileSync(at('kept'), 'utf8')).toBe('replacement');
    expect(fs.readFileSync(at('new'), 'utf8')).toBe('data');
  });

  it('a truncate is held like a write: forgotten by a cut, and what it cut off reads as zeros', async () => {
    const { disk, at } = await freshDisk();
    writeFile(at('t'), 'abcdefgh'.repeat(1024), 'fsync');
    syncDir(disk.mountpoint);
    fs.truncateSync(at('t'), 3);
    expect(fs.statSync(at('t')).size).toBe(3);
    await powerCycle(disk);
    expect(fs.statSync(at('t')).size).toBe(8192);
    // shrink, then write past the old end: the bytes in between were cut off, they are zeros
    const fd = fs.openSync(at('t'), 'r+');
    fs.ftruncateSync(fd, 3);
    fs.writeSync(fd, 'Z', 6000);
    const expected = Buffer.concat([Buffer.from('abc'), Buffer.alloc(5997), Buffer.from('Z')]);
    expect(fs.readFileSync(at('t')).equals(expected)).toBe(true);
    fs.fdatasyncSync(fd);
    fs.closeSync(fd);
    await powerCycle(disk);
    expect(fs.readFileSync(at('t')).equals(expected)).toBe(true);
  });

  it('writes through O_DIRECT are held until fdatasync too', async () => {
    const { disk, at } = await freshDisk();
    writeFile(at('log'), '', 'fsync');
    syncDir(disk.mountpoint);
    const fd = fs.openSync(at('log'), fs.constants.O_RDWR | fs.constants.O_DIRECT);
    fs.writeSync(fd, Buffer.alloc(4096, 'a'), 0, 4096, 0);
    fs.fdatasyncSync(fd);
    fs.writeSync(fd, Buffer.alloc(4096, 'b'), 0, 4096, 4096);
    fs.closeSync(fd);
    expect(fs.statSync(at('log')).size).toBe(8192);
    await powerCycle(disk);
    expect(fs.readFileSync(at('log')).equals(Buffer.alloc(4096, 'a'))).toBe(true);
  });

  it('SQLite in WAL mode runs on it (two connections share the -shm by mmap); an unsynced commit is lost, a synced one kept', async () => {
    const { disk, at } = await freshDisk();
    const writer = new Database(at('t.db'));
    writer.pragma('journal_mode = WAL');
    writer.pragma('synchronous = FULL');
    writer.exec('CREATE TABLE t (x INTEGER)');
    writer.prepare('INSERT INTO t VALUES (1)').run();
    const reader = new Database(at('t.db'), { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    writer.pragma('synchronous = NORMAL');
    writer.prepare('INSERT INTO t VALUES (2)').run();
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);
    reader.close();
    // the power goes with the connection open (closing would checkpoint, which syncs)
    await disk.cut();
    writer.close();
    await disk.unmount();
    await disk.mount();
    const after = new Database(at('t.db'));
    expect(after.prepare('SELECT x FROM t').pluck().all()).toEqual([1]);
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    after.close();
  });

  it('an orderly unmount keeps everything', async () => {
    const { disk, at } = await freshDisk();
    writeFile(at('a'), 'unsynced', 'none');
    await disk.unmount();
    await disk.mount();
    expect(fs.readFileSync(at('a'), 'utf8')).toBe('unsynced');
  });
});
