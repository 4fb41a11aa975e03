import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { connectNode, sendMeta } from '../../tests/support/mqtt-node.ts';
import { startTestHub } from '../../tests/support/test-hub.ts';
import { CommitLog, CommitLogFullError, SECTOR } from '../src/store/commit-log.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-commit-log-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const fresh = (opts: { capacity?: number; direct?: boolean } = {}) =>
  new CommitLog({ file: path.join(dir, `log-${++n}.bin`), capacity: opts.capacity ?? 256 * 1024, ...opts });

function append(log: CommitLog, text: string): Promise<number> {
  return new Promise((resolve, reject) =>
    log.append(Buffer.from(text), (err, lsn) => (err ? reject(err) : resolve(lsn))),
  );
}

const texts = (records: { payload: Buffer }[]) => records.map((r) => r.payload.toString());

/** write_bytes of this process (vitest runs each test file in a process of its own). */
function writeBytes(): number {
  const line = fs.readFileSync('/proc/self/io', 'utf8').match(/^write_bytes: (\d+)$/m);
  return Number(line?.[1] ?? Number.NaN);
}

describe('the commit log', () => {
  for (const direct of [true, false]) {
    it(`gives back every record after the last fold, in order (${direct ? 'O_DIRECT where possible' : 'page cache'})`, async () => {
      const log = fresh({ direct });
      expect(log.open(0)).toEqual([]);
      const lsns = [];
      for (const t of ['a', 'bb', 'x'.repeat(700), 'dddd']) lsns.push(await append(log, t));
      expect(lsns).toEqual([1, 2, 3, 4]);
      log.close();
      const again = new CommitLog({ file: log.file, capacity: log.capacity, direct });
      expect(texts(again.open(0))).toEqual(['a', 'bb', 'x'.repeat(700), 'dddd']);
      // records up to the folded LSN are not given again
      again.close();
      const after = new CommitLog({ file: log.file, capacity: log.capacity, direct });
      expect(after.open(2).map((r) => r.lsn)).toEqual([3, 4]);
      expect(await append(after, 'e')).toBe(5);
      after.close();
    });
  }

  it('uses O_DIRECT on this file system, and a small record costs one 512-byte sector of writing', async () => {
    const log = fresh();
    log.open(0);
    if (!log.direct) {
      log.close();
      expect.soft(log.direct, 'O_DIRECT is not available for the temporary directory here').toBe(true);
      return;
    }
    const before = writeBytes();
    for (let i = 0; i < 50; i++) await append(log, `{"readings":[[12,${1_764_900_000_000 + i},${i},230.5]]}`);
    const perRecord = (writeBytes() - before) / 50;
    // through the page cache each synced append would dirty (and count) a whole 4 KiB page
    expect(perRecord).toBe(SECTOR);
    log.close();
  });

  it('a record of a few readings that would pass a sector is compressed into fewer, and read back as written', async () => {
    const log = fresh();
    log.open(0);
    // what a commit of a Linky meter's registers looks like: ~0.9 KB of JSON, two sectors
    const readings = Array.from({ length: 24 }, (_, i) => [
      40 + i,
      1_764_900_000_000 + i,
      9000 + i,
      12_345.678 + i,
    ]);
    const record = JSON.stringify({
      v: 1,
      readings,
      nodeStats: [['demo-h01-linky', 24, 0, 1_764_900_000_000, 9023, 0]],
    });
    expect(record.length).toBeGreaterThan(SECTOR);
    const before = writeBytes();
    for (let i = 0; i < 10; i++) await append(log, record);
    const perRecord = (writeBytes() - before) / 10;
    if (log.direct) expect(perRecord).toBe(SECTOR);
    else expect(perRecord).toBeGreaterThan(0);
    log.close();
    const again = new CommitLog({ file: log.file, capacity: log.capacity });
    expect(texts(again.open(0))).toEqual(Array(10).fill(record));
    again.close();
  });

  it('stops at a record torn by a power cut, and the next append takes its place', async () => {
    const log = fresh();
    log.open(0);
    await append(log, 'kept');
    await append(log, 'torn');
    log.close();
    // the second record's payload half-written: its checksum no longer matches
    const fd = fs.openSync(log.file, 'r+');
    const at = 8192 + SECTOR + 32;
    fs.writeSync(fd, Buffer.from('XX'), 0, 2, at);
    fs.closeSync(fd);
    const again = new CommitLog({ file: log.file, capacity: log.capacity });
    expect(texts(again.open(0))).toEqual(['kept']);
    expect(await append(again, 'next')).toBe(2);
    again.close();
    const third = new CommitLog({ file: log.file, capacity: log.capacity });
    expect(texts(third.open(0))).toEqual(['kept', 'next']);
    third.close();
  });

  it('after a reset, older records further on are not read back', async () => {
    const log = fresh();
    log.open(0);
    for (const t of ['one', 'two', 'three', 'four']) await append(log, t);
    log.reset();
    await append(log, 'five');
    log.close();
    const again = new CommitLog({ file: log.file, capacity: log.capacity });
    // 'two' .. 'four' still lie on disk after 'five', with smaller LSNs
    expect(again.open(4).map((r) => [r.lsn, r.payload.toString()])).toEqual([[5, 'five']]);
    again.close();
  });

  it('a wipe leaves no trace of what the records said (erasure)', async () => {
    const log = fresh();
    log.open(0);
    await append(log, 'reading of household les-tilleuls');
    log.wipe();
    log.close();
    expect(fs.readFileSync(log.file).includes(Buffer.from('les-tilleuls'))).toBe(false);
    const again = new CommitLog({ file: log.file, capacity: log.capacity });
    expect(again.open(0)).toEqual([]);
    again.close();
  });

  it('refuses a record that does not fit, with a named error', async () => {
    const log = fresh({ capacity: 8192 + 2 * SECTOR });
    log.open(0);
    await append(log, 'a'.repeat(400));
    expect(log.fits(400)).toBe(true);
    await append(log, 'b'.repeat(400));
    expect(log.fits(1)).toBe(false);
    await expect(append(log, 'c')).rejects.toBeInstanceOf(CommitLogFullError);
    log.close();
  });

  it('refuses a file that is not a commit log, saying what to do', () => {
    const file = path.join(dir, 'not-a-log.bin');
    fs.writeFileSync(file, Buffer.alloc(256 * 1024, 7));
    expect(() => new CommitLog({ file, capacity: 256 * 1024 }).open(0)).toThrow(/not a Communs commit log/);
  });
});

describe('a PUBACK', () => {
  it('waits for the sync of the commit-log record that holds its reading', async () => {
    const th = await startTestHub();
    const realFdatasync = fs.fdatasync;
    try {
      const { secret } = await th.addNode('synced');
      const c = await connectNode(th.mqttUrl, 'synced', secret);
      await sendMeta(c, 'synced', [{ id: 'p', quantity: 'power', unit: 'W' }]);
      let syncs = 0;
      fs.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
        syncs++;
        setTimeout(() => realFdatasync(fd, cb), 400);
      }) as typeof fs.fdatasync;
      const t0 = performance.now();
      const reading = { sensor: 'p', quantity: 'power', unit: 'W', value: 5, ts: Date.now(), seq: 1 };
      await c.publishAsync(topics.readings('synced'), JSON.stringify({ readings: [reading] }), { qos: 1 });
      // not a speed: the acknowledgement cannot come before the sync it waits for
      expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
      expect(syncs).toBeGreaterThan(0);
      fs.fdatasync = realFdatasync;
      expect(hubDb(th.hub).prepare('SELECT count(*) FROM all_readings').pluck().get()).toBe(1);
      await c.endAsync();
    } finally {
      fs.fdatasync = realFdatasync;
      await th.stop();
    }
  });
});
