import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectNode, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { openDb } from '../src/store/db.ts';

function mode(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8);
}

/** The modes of the data dir and of every database file in it, by name. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir) };
  for (const name of fs.readdirSync(dir)) {
    if (/^(communs\.db(-wal|-shm)?|ingest\.log)$/.test(name)) out[name] = mode(path.join(dir, name));
  }
  return out;
}

describe('data directory and database files are readable by the hub user only', () => {
  let th: TestHub | undefined;
  const umask = process.umask();
  afterEach(async () => {
    process.umask(umask);
    await th?.stop();
    th = undefined;
  });

  it('a new data dir is 0700 and communs.db, its WAL and shared-memory file 0600, under umask 022', async () => {
    process.umask(0o022);
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-perm-'));
    const dataDir = path.join(parent, 'data');
    th = await startTestHub({ dataDir });
    const { secret } = await th.addNode('perm-a');
    const c = await connectNode(th.mqttUrl, 'perm-a', secret);
    await sendMeta(c, 'perm-a', [{ id: 'power', quantity: 'power', unit: 'W' }]);
    await sendReadings(c, 'perm-a', [
      { sensor: 'power', quantity: 'power', unit: 'W', value: 1, ts: Date.now(), seq: 1 },
    ]);
    await c.endAsync();
    expect(modes(dataDir)).toEqual({
      '.': '700',
      'communs.db': '600',
      'communs.db-wal': '600',
      'communs.db-shm': '600',
      'ingest.log': '600',
    });
    const manual = await th.run('backup');
    expect(manual.code).toBe(0);
    const auto = await th.hub.backups.runOnce();
    expect(auto).not.toBeNull();
    expect(mode(th.hub.backupsDir)).toBe('700');
    for (const name of fs.readdirSync(th.hub.backupsDir)) {
      expect(mode(path.join(th.hub.backupsDir, name)), name).toBe('600');
    }
    await th.stop();
    th = undefined;
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('an existing installation left world-readable (0755, 0644) is closed at start', async () => {
    process.umask(0o022);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-perm-'));
    fs.chmodSync(dataDir, 0o755);
    const db = openDb({ file: path.join(dataDir, 'communs.db') });
    db.exec('CREATE TABLE IF NOT EXISTS t (x)');
    db.close();
    fs.chmodSync(path.join(dataDir, 'communs.db'), 0o644);
    // a damaged database kept aside by an older version, as readable as the database was
    fs.writeFileSync(path.join(dataDir, 'corrupt-2020-01-01T00-00-00-000Z.db'), 'x', { mode: 0o644 });
    fs.mkdirSync(path.join(dataDir, 'backups'), { mode: 0o755 });
    fs.chmodSync(path.join(dataDir, 'backups'), 0o755);
    fs.writeFileSync(path.join(dataDir, 'backups', 'communs-2020-01-01T00-00-00-000Z.db'), '', {
      mode: 0o644,
    });
    th = await startTestHub({ dataDir });
    expect(modes(dataDir)).toMatchObject({ '.': '700', 'communs.db': '600', 'communs.db-wal': '600' });
    expect(mode(path.join(dataDir, 'backups'))).toBe('700');
    expect(mode(path.join(dataDir, 'backups', 'communs-2020-01-01T00-00-00-000Z.db'))).toBe('600');
    expect(mode(path.join(dataDir, 'corrupt-2020-01-01T00-00-00-000Z.db'))).toBe('600');
    expect(th.log.join('\n')).toMatch(/readable by other users/);
    await th.stop();
    th = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
