import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { checkDb, missing } from './support/db-check.ts';
import { eventually, recordFigure } from './support/figures.ts';
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

/** the commit log is full too: publishes are no longer acknowledged */
const NOTICE = /readings cannot be stored/;
/** the disk itself, said for as long as it is full */
const DISK_NOTICE = /disk holding .* is full/;

describe.skipIf(skipReason !== null)('disk full', () => {
  it('on a full disk the notice shows at once; readings are acknowledged while the commit log holds them, then not; nothing is corrupted or lost, and ingest resumes by itself once space is freed', async () => {
    const dataDir = path.join(mnt, 'data');
    // a small commit log: it fills within seconds once the database can no longer take what it holds
    th = await startTestHub({ dataDir, commitLogBytes: 64 * 1024 });
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
    await eventually(
      async () => {
        const { body } = await getJson<{ notices: string[] }>(`${hub.httpUrl}/api/health`);
        return body.notices.some((n) => DISK_NOTICE.test(n));
      },
      { timeoutMs: 15_000, everyMs: 200, what: 'the full-disk notice' },
    );
    const diskNoticeAfterMs = Date.now() - fullAt;
    // keep producing until the commit log is full too (SQLite reuses free pages and WAL space first;
    // what it cannot take waits, durable, in the preallocated commit log)
    // ... until publishes stay unacknowledged: nothing more can be made durable
    let waiting = 0;
    await eventually(
      async () => {
        node?.produce(400);
        const { body } = await getJson<{ notices: string[] }>(`${hub.httpUrl}/api/health`);
        waiting = (node?.unacked ?? 0) > 0 && body.notices.some((n) => NOTICE.test(n)) ? waiting + 1 : 0;
        return waiting >= 5;
      },
      { timeoutMs: 60_000, everyMs: 300, what: 'publishes to stay unacknowledged, with the notice' },
    );
    const noticeAfterMs = Date.now() - fullAt;
    const unackedWhileFull = node.unacked;
    const status = await hub.run('status');
    expect(status.output).toMatch(NOTICE);
    expect(status.output).toMatch(DISK_NOTICE);
    // while full the hub still answers (SQLite may still take a commit now and then, reusing the
    // space of its write-ahead log: those readings are acknowledged, the rest wait)
    const ackedWhileFull = node.acked.size;
    const health = await getJson<{ status: string }>(`${hub.httpUrl}/api/health`);
    expect(health.body.status).toBe('ok');
    fs.rmSync(filler);
    const freedAt = Date.now();
    await eventually(() => node?.unacked === 0, { timeoutMs: 30_000, what: 'ingest to resume' });
    const resumeMs = Date.now() - freedAt;
    // the notices go once space is back (the disk is looked at every few seconds)
    await eventually(
      async () => {
        const { body } = await getJson<{ notices: string[] }>(`${hub.httpUrl}/api/health`);
        return !body.notices.some((n) => NOTICE.test(n) || DISK_NOTICE.test(n));
      },
      { timeoutMs: 15_000, everyMs: 250, what: 'the notices to go' },
    );
    await node.stop();
    await hub.stopKeepData();
    th = undefined;
    const check = checkDb(path.join(dataDir, 'communs.db'));
    expect(check.quickCheck).toBe('ok');
    expect(missing(check.seqs.get('full-a'), node.produced)).toEqual([]);
    recordFigure('disk-full', {
      item: '4 disk full',
      tried: `data directory on a ${SIZE_MB} MB tmpfs filled to the last byte (${Math.round(filled / 1024)} KB of filler) under QoS 1 load; ${node.produced} readings in all; filler removed after the notice`,
      lost: `nothing: the full-disk notice after ${diskNoticeAfterMs} ms; readings acknowledged while the 64 KB commit log held them (${ackedWhileFull} in all), then ${unackedWhileFull} waited unacknowledged (notice after ${noticeAfterMs} ms); ingest resumed ${resumeMs} ms after space was freed, quick_check "ok", 0 sequence gaps`,
      figures: {
        fsMb: SIZE_MB,
        produced: node.produced,
        unackedWhileFull,
        diskNoticeAfterMs,
        noticeAfterMs,
        resumeMs,
        gaps: 0,
      },
    });
  }, 90_000);
});
