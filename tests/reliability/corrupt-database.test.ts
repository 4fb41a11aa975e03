import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hubDb } from '../support/hub-db.ts';
import { connectNode, getJson, sendMeta, sendReadings } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { recordFigure, sleep } from './support/figures.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-corrupt-'));
let th: TestHub | undefined;

afterAll(async () => {
  await th?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const t0 = Date.now() - 3_600_000;
const reading = (seq: number) => ({
  sensor: 'p',
  quantity: 'power' as const,
  unit: 'W',
  value: seq,
  ts: t0 + seq * 1000,
  seq,
});

async function publish(hub: TestHub, node: string, secret: string, from: number, n: number): Promise<void> {
  const c = await connectNode(hub.mqttUrl, node, secret);
  await sendMeta(c, node, [{ id: 'p', quantity: 'power', unit: 'W' }]);
  await sendReadings(
    c,
    node,
    Array.from({ length: n }, (_, i) => reading(from + i)),
  );
  await c.endAsync();
}

function storedSeqs(hub: TestHub): number[] {
  return (hubDb(hub.hub).prepare('SELECT seq FROM all_readings ORDER BY seq').all() as { seq: number }[]).map(
    (r) => r.seq,
  );
}

describe('corrupt database at start', () => {
  it('automatic backups are consistent, owner-only, hold no clear secret, and only the last 7 are kept', async () => {
    th = await startTestHub({ dataDir: dir });
    const { secret } = await th.addNode('corrupt-a');
    await publish(th, 'corrupt-a', secret, 0, 50);
    let last: string | null = null;
    for (let i = 0; i < 9; i++) {
      last = await th.hub.backups.runOnce();
      await sleep(3);
    }
    const backups = fs
      .readdirSync(th.hub.backupsDir)
      .filter((f) => f.startsWith('auto-') && f.endsWith('.db'));
    expect(backups).toHaveLength(7);
    expect(last).not.toBeNull();
    const file = last as string;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // the backup's plain-text parts never hold a secret
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    expect(bytes.includes(Buffer.from('corrupt-a'))).toBe(true);
  });

  it('a database overwritten with random bytes is kept aside, the last backup restored, the hub up within 30 s and saying so', async () => {
    const hub = th as TestHub;
    const secret = await hub.hub.store.registry.rotateSecret('corrupt-a');
    await hub.hub.backups.runOnce();
    // after the backup: gone with the damaged file, but still in the commit log (ingest.log)
    await publish(hub, 'corrupt-a', secret, 50, 10);
    await hub.stopKeepData();
    const dbFile = path.join(dir, 'communs.db');
    const size = fs.statSync(dbFile).size;
    fs.writeFileSync(dbFile, crypto.randomBytes(size));
    const started = Date.now();
    th = await startTestHub({ dataDir: dir });
    const startS = (Date.now() - started) / 1000;
    expect(startS).toBeLessThan(30);
    const aside = fs.readdirSync(dir).filter((f) => /^corrupt-.*\.db$/.test(f));
    expect(aside).toHaveLength(1);
    expect(fs.statSync(path.join(dir, aside[0] as string)).size).toBe(size);
    const { body } = await getJson<{ status: string; notices: string[] }>(`${th.httpUrl}/api/health`);
    expect(body.status).toBe('ok');
    expect(body.notices.join(' ')).toMatch(/damaged.*restored the backup/);
    const status = await th.run('status');
    expect(status.output).toMatch(/damaged/);
    // the backup's 50, and the 10 after it, applied again from the commit log onto the backup
    expect(storedSeqs(th)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // ingest continues on the restored database with the node's restored credentials
    await publish(th, 'corrupt-a', secret, 60, 5);
    expect(storedSeqs(th).slice(-5)).toEqual([60, 61, 62, 63, 64]);
    recordFigure('corrupt-database', {
      item: '3 corrupt database at start',
      tried: `communs.db (${Math.round(size / 1024)} KB) overwritten with random bytes after 9 automatic backups (7 kept)`,
      lost: `nothing: the last backup's 50 readings, and the 10 written after it from the commit log (60/60); hub up in ${Math.round(startS * 1000)} ms, notice on /api/health and console status`,
      figures: {
        dbBytes: size,
        startS: Number(startS.toFixed(2)),
        backupsKept: 7,
        restoredReadings: 60,
        lostAfterBackup: 0,
      },
    });
  });
});
