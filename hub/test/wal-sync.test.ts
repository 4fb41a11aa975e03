import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { connectNode, sendMeta } from '../../tests/support/mqtt-node.ts';
import { startTestHub } from '../../tests/support/test-hub.ts';
import { openDb } from '../src/store/db.ts';
import { WalSync } from '../src/store/wal-sync.ts';

type Fdatasync = typeof fs.fdatasync;
const realFdatasync: Fdatasync = fs.fdatasync;

/** Replaces fs.fdatasync (which wal-sync.ts calls through the module object) for one test. */
function spyFdatasync(delayMs: number, fail?: Error) {
  const calls: string[] = [];
  fs.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    calls.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    setTimeout(() => (fail ? cb(fail) : realFdatasync(fd, cb)), delayMs);
  }) as Fdatasync;
  return calls;
}

describe('ingest durability off the event loop (WalSync)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-wal-sync-'));
  const db = openDb({ file: path.join(dir, 'test.db') });
  db.exec('CREATE TABLE t (x INTEGER)');
  const sync = new WalSync(db);
  afterEach(() => {
    fs.fdatasync = realFdatasync;
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits without SQLite’s sync, then acknowledges each commit, in order, once a sync started after it returns', async () => {
    const calls = spyFdatasync(50);
    const level = sync.unsynced(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      return db.pragma('synchronous', { simple: true });
    });
    expect(level).toBe(1); // NORMAL while committing
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL again for every other write
    const order: string[] = [];
    const commit = (name: string) =>
      new Promise<void>((r) => {
        sync.unsynced(() => db.prepare('INSERT INTO t VALUES (2)').run());
        sync.sync(() => r(void order.push(name)));
      });
    // two syncs run at once; the two commits made while they run share a third
    await Promise.all(['a', 'b', 'c', 'd'].map(commit));
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toHaveLength(3);
    expect(calls.every((f) => f.endsWith('test.db-wal'))).toBe(true);
  });

  it('a later sync that returns first acknowledges the commits before it too, still in order', async () => {
    const delays = [150, 10];
    const calls: number[] = [];
    fs.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      calls.push(fd);
      setTimeout(() => realFdatasync(fd, cb), delays.shift() ?? 0);
    }) as Fdatasync;
    const order: string[] = [];
    const t0 = performance.now();
    await Promise.all(
      ['first', 'second'].map(
        (name) =>
          new Promise<void>((r) => {
            sync.unsynced(() => db.prepare('INSERT INTO t VALUES (3)').run());
            sync.sync(() =>
              r(void order.push(`${name} ${Math.round(performance.now() - t0) < 100 ? 'early' : 'late'}`)),
            );
          }),
      ),
    );
    expect(order).toEqual(['first early', 'second early']);
    expect(calls).toHaveLength(2);
  });

  it('idle() resolves once every commit made so far is acknowledged (the hub closes the log after it)', async () => {
    spyFdatasync(80);
    let acknowledged = false;
    sync.unsynced(() => db.prepare('INSERT INTO t VALUES (4)').run());
    sync.sync(() => {
      acknowledged = true;
    });
    await sync.idle();
    expect(acknowledged).toBe(true);
  });

  it('reports a failed sync to every commit waiting for it', async () => {
    spyFdatasync(0, Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    const err = await new Promise<Error | undefined>((r) => sync.sync(r));
    expect(err?.message).toMatch(/EIO/);
  });

  it('a PUBACK waits for the sync of the commit that stored its reading', async () => {
    const th = await startTestHub(); // the hub's default: synchronous = FULL
    try {
      const { secret } = await th.addNode('synced');
      const c = await connectNode(th.mqttUrl, 'synced', secret);
      await sendMeta(c, 'synced', [{ id: 'p', quantity: 'power', unit: 'W' }]);
      const calls = spyFdatasync(400);
      const t0 = performance.now();
      const reading = { sensor: 'p', quantity: 'power', unit: 'W', value: 5, ts: Date.now(), seq: 1 };
      await c.publishAsync(topics.readings('synced'), JSON.stringify({ readings: [reading] }), { qos: 1 });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
      expect(calls.length).toBeGreaterThan(0);
      expect(hubDb(th.hub).prepare('SELECT count(*) FROM readings').pluck().get()).toBe(1);
      await c.endAsync();
    } finally {
      fs.fdatasync = realFdatasync;
      await th.stop();
    }
  });
});
