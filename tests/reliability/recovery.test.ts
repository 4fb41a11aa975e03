import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNode, getJson, sendMeta, sendReadings } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';

/**
 * A hub never starts a silent fresh database over a lost one: a missing, emptied or damaged
 * communs.db is restored from the newest backup that holds data, with a notice; a fresh start is
 * asked for with `--new`; a backup is taken at once when the newest is older than a day, so a hub
 * that keeps crashing still leaves one; an empty database is never backed up over good backups.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-recovery-'));
  dirs.push(d);
  return d;
}

const autoBackups = (dir: string) =>
  fs.readdirSync(path.join(dir, 'backups')).filter((f) => f.startsWith('auto-') && f.endsWith('.db'));

/** A hub with one node and 30 readings, backed up, stopped: the data directory to damage. */
async function withBackup(): Promise<{ dir: string; secret: string }> {
  const dir = dataDir();
  const th = await startTestHub({ dataDir: dir });
  const { secret } = await th.addNode('rec-a', { household: 'rec-home', sharing: 'open' });
  const c = await connectNode(th.mqttUrl, 'rec-a', secret);
  await sendMeta(c, 'rec-a', [{ id: 'p', quantity: 'power', unit: 'W' }]);
  const t0 = Date.now() - 600_000;
  await sendReadings(
    c,
    'rec-a',
    Array.from({ length: 30 }, (_, i) => ({
      sensor: 'p',
      quantity: 'power',
      unit: 'W',
      value: i,
      ts: t0 + i * 1000,
      seq: i,
    })),
  );
  await c.endAsync();
  expect(await th.hub.backups.runOnce()).not.toBeNull();
  await th.stopKeepData();
  return { dir, secret };
}

async function storedCount(th: TestHub): Promise<number> {
  const { body } = await getJson<{ points: { t: number[] } }>(
    `${th.httpUrl}/api/series?sensor=rec-a/p&step=raw&from=${Date.now() - 3_600_000}`,
  );
  return body.points?.t.length ?? 0;
}

async function notices(th: TestHub): Promise<string> {
  const { body } = await getJson<{ notices: string[] }>(`${th.httpUrl}/api/health`);
  return body.notices.join(' | ');
}

describe('a lost database at start', () => {
  it('emptied to 0 bytes: the newest backup is restored, and the hub says so', async () => {
    const { dir } = await withBackup();
    fs.truncateSync(path.join(dir, 'communs.db'), 0);
    const th = await startTestHub({ dataDir: dir });
    try {
      expect(await notices(th)).toMatch(/database was empty \(0 bytes\); restored the backup/);
      expect(await storedCount(th)).toBe(30);
      expect(fs.readdirSync(dir).some((f) => /^empty-.*\.db$/.test(f))).toBe(true);
    } finally {
      await th.stop();
    }
  });

  it('missing: the newest backup is restored, and the hub says so', async () => {
    const { dir } = await withBackup();
    for (const s of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, `communs.db${s}`), { force: true });
    const th = await startTestHub({ dataDir: dir });
    try {
      expect(await notices(th)).toMatch(/database was missing; restored the backup/);
      expect(await storedCount(th)).toBe(30);
    } finally {
      await th.stop();
    }
  });

  it('--new starts an empty database on purpose, keeps the old one aside, and never backs the empty one up over good backups', async () => {
    const { dir } = await withBackup();
    const before = autoBackups(dir);
    const th = await startTestHub({ dataDir: dir, fresh: true });
    try {
      expect(await notices(th)).toMatch(/new, empty database was started on purpose/);
      expect(th.hub.store.registry.node('rec-a')).toBeUndefined();
      expect(fs.readdirSync(dir).some((f) => /^set-aside-.*\.db$/.test(f))).toBe(true);
      expect(await th.hub.backups.runOnce()).toBeNull();
      expect(autoBackups(dir)).toEqual(before);
    } finally {
      await th.stop();
    }
  });
});

describe('a backup when the newest is older than a day', () => {
  it('is taken at once at start: a hub killed 1 s after every start still leaves one', async () => {
    const { dir } = await withBackup();
    // one backup left, two days old
    const [keep, ...others] = autoBackups(dir).sort().reverse();
    for (const f of others) fs.rmSync(path.join(dir, 'backups', f));
    const old = path.join(dir, 'backups', keep as string);
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    fs.utimesSync(old, twoDaysAgo, twoDaysAgo);
    expect(autoBackups(dir)).toHaveLength(1);
    const root = path.resolve(import.meta.dirname, '../..');
    let starts = 0;
    for (let attempt = 0; attempt < 3 && autoBackups(dir).length < 2; attempt++) {
      starts++;
      const child = spawn(
        process.execPath,
        ['bin/communs.js', 'hub', '--no-demo', '--data', dir, '--http-port', '0', '--mqtt-port', '0'],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          if (/^ready$/m.test(d.toString())) setTimeout(resolve, 1000);
        });
        child.on('exit', () => resolve());
      });
      child.kill('SIGKILL');
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode ? r(null) : child.once('exit', r),
      );
    }
    expect(starts).toBeGreaterThan(0);
    expect(autoBackups(dir).length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
