import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
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

  it('commits without SQLite’s sync, then syncs the WAL file once for every commit made before', async () => {
    const calls = spyFdatasync(50);
    const level = sync.unsynced(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      return db.pragma('synchronous', { simple: true });
    });
    expect(level).toBe(1); // NORMAL while committing
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL again for every other write
    const order: string[] = [];
    const first = new Promise<void>((r) => sync.sync(() => r(void order.push('a'))));
    // two more commits while the first sync runs: one more sync covers both
    const later = [1, 2].map(
      (i) =>
        new Promise<void>((r) => {
          sync.unsynced(() => db.prepare('INSERT INTO t VALUES (?)').run(i));
          sync.sync(() => r(void order.push(`b${i}`)));
        }),
    );
    await Promise.all([first, ...later]);
    expect(order).toEqual(['a', 'b1', 'b2']);
    expect(calls).toHaveLength(2);
    expect(calls.every((f) => f.endsWith('test.db-wal'))).toBe(true);
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
      expect(th.hub.db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(1);
      await c.endAsync();
    } finally {
      fs.fdatasync = realFdatasync;
      await th.stop();
    }
  });
});
