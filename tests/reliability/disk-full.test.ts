import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { checkDb, missing } from './support/db-check.ts';
import { eventually, recordFigure, sleep } from './support/figures.ts';
import { ResendingNode } from './support/resending-node.ts';

const SIZE_MB = 2;
const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-full-'));

/** A small filesystem of its own: tmpfs with a size (needs root, or CAP_SYS_ADMIN in a container). */
function mountSmallFs(): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0700`, 'tmpfs', mnt], {
      stdio: 'pipe',
    });
    return null;
  } catch (err) {
    return `cannot mount a ${SIZE_MB} MB tmpfs (${String((err as Error).message).split('\n')[0]}): run as root to test a full disk`;
  }
}
const skipReason = mountSmallFs();
if (skipReason) console.warn(`disk-full test skipped: ${skipReason}`);

let th: TestHub | undefined;
let node: ResendingNode | undefined;

afterAll(async () => {
  await node?.stop();
  await th?.stopKeepData().catch(() => {});
  if (!skipReason) execFileSync('umount', ['-l', mnt]);
  fs.rmSync(mnt, { recursive: true, force: true });
});

/** Writes zeros until the filesystem says ENOSPC; returns the bytes written. */
function fill(file: string): number {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  let bytes = 0;
  try {
    for (;;) bytes += fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

const NOTICE = /cannot be stored/;

describe.skipIf(skipReason !== null)('disk full (issue 7 §4)', () => {
  it('on a full disk QoS 1 is not acknowledged, nothing is corrupted, the notice shows, and ingest resumes by itself once space is freed', async () => {
    const dataDir = path.join(mnt, 'data');
    th = await startTestHub({ dataDir });
    const hub = th;
    const { secret } = await hub.addNode('full-a');
    node = new ResendingNode({
      node: 'full-a',
      secret,
      url: () => hub.mqttUrl,
      window: 10,
      readingsPerMessage: 20,
    });
    node.start();
    node.produce(500);
    await eventually(() => node?.unacked === 0, { what: 'first readings' });
    const filler = path.join(mnt, 'filler');
    const filled = fill(filler);
    const fullAt = Date.now();
    // keep producing until the store fails (SQLite reuses free pages and WAL space first)
    await eventually(
      async () => {
        node?.produce(400);
        const { body } = await getJson<{ notices: string[] }>(`${hub.httpUrl}/api/health`);
        return body.notices.some((n) => NOTICE.test(n));
      },
      { timeoutMs: 30_000, everyMs: 200, what: 'the disk-full notice' },
    );
    const noticeAfterMs = Date.now() - fullAt;
    const status = await hub.run('status');
    expect(status.output).toMatch(NOTICE);
    // while full: what is waiting is not acknowledged, and the hub still answers
    const ackedWhileFull = node.acked.size;
    await sleep(1000);
    const health = await getJson<{ status: string }>(`${hub.httpUrl}/api/health`);
    expect(health.body.status).toBe('ok');
    expect(node.unacked).toBeGreaterThan(0);
    const unackedWhileFull = node.unacked;
    fs.rmSync(filler);
    const freedAt = Date.now();
    await eventually(() => node?.unacked === 0, { timeoutMs: 30_000, what: 'ingest to resume' });
    const resumeMs = Date.now() - freedAt;
    const { body } = await getJson<{ notices: string[] }>(`${hub.httpUrl}/api/health`);
    expect(body.notices.some((n) => NOTICE.test(n))).toBe(false);
    await node.stop();
    await hub.stopKeepData();
    th = undefined;
    const check = checkDb(path.join(dataDir, 'communs.db'));
    expect(check.quickCheck).toBe('ok');
    expect(missing(check.seqs.get('full-a'), node.produced)).toEqual([]);
    recordFigure('disk-full', {
      item: '4 disk full',
      tried: `data directory on a ${SIZE_MB} MB tmpfs filled to the last byte (${Math.round(filled / 1024)} KB of filler) under QoS 1 load; ${node.produced} readings in all; filler removed after the notice`,
      lost: `nothing acknowledged: ${unackedWhileFull} readings waited unacknowledged while full (${ackedWhileFull} acknowledged before), notice after ${noticeAfterMs} ms, ingest resumed ${resumeMs} ms after space was freed, quick_check "ok", 0 sequence gaps`,
      figures: { fsMb: SIZE_MB, produced: node.produced, unackedWhileFull, noticeAfterMs, resumeMs, gaps: 0 },
    });
  }, 90_000);
});
