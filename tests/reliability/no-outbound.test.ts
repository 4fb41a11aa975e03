import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, recordFigure, scale, sleep } from './support/figures.ts';
import { type HubProcess, spawnHub } from './support/hub-process.ts';
import { isLoopback, isLoopbackAddress } from './support/loopback.ts';
import type { OutboundSummary } from './support/outbound-watch.ts';
import { remoteAddresses } from './support/proc-sockets.ts';

const RUN_S = scale(15, 600);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-outbound-'));
let hub: HubProcess | undefined;

afterAll(async () => {
  await hub?.kill9();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('no outbound connection', () => {
  it('the watch tells loopback from the outside (so an empty list means something)', () => {
    for (const a of [
      'localhost',
      '127.0.0.1',
      '127.8.9.1',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      '/tmp/x.sock',
    ]) {
      expect(isLoopback(a), a).toBe(true);
    }
    for (const a of [
      '10.0.0.1',
      '192.168.1.10',
      '8.8.8.8',
      'pool.ntp.org',
      '::ffff:8.8.8.8',
      'fe80::1',
      '128.0.0.1',
    ]) {
      expect(isLoopback(a), a).toBe(false);
    }
    expect(isLoopbackAddress('127.0.0.1:1883')).toBe(true);
    expect(isLoopbackAddress('192.168.1.2:80')).toBe(false);
  });

  it(
    'during a full run of the hub with the demo, no socket goes outside 127.0.0.0/8 or ::1',
    async () => {
      const logFile = path.join(dir, 'outbound.json');
      hub = await spawnHub(path.join(dir, 'data'), {
        args: ['--demo', '3'],
        preload: ['tsx', path.join(HERE, 'support/outbound-watch.ts')],
        env: { COMMUNS_OUTBOUND_LOG: logFile },
        timeoutMs: 60_000,
      });
      const h = hub;
      const pid = h.proc.pid as number;
      const seen = new Set<string>();
      let samples = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const a of remoteAddresses(pid)) seen.add(a);
          samples++;
          await sleep(200);
        }
      })();
      // what a neighbourhood does with it: the dashboard, its API, the live stream, an export
      const until = Date.now() + RUN_S * 1000;
      let requests = 0;
      while (Date.now() < until) {
        const now = Date.now();
        for (const p of [
          '/',
          '/api/health',
          '/api/nodes',
          '/api/register',
          `/api/series?quantity=power&from=${now - 3_600_000}&to=${now}`,
          '/api/export?format=csv',
        ]) {
          await (await fetch(`${h.httpUrl}${p}`)).arrayBuffer();
          requests++;
        }
        const live = await fetch(`${h.httpUrl}/api/live`);
        await sleep(1000);
        await live.body?.cancel();
      }
      await eventually(async () => {
        const body = (await (await fetch(`${h.httpUrl}/api/nodes`)).json()) as {
          nodes: { lastSeen: number | null }[];
        };
        return body.nodes.filter((n) => n.lastSeen !== null).length >= 3;
      });
      sampling = false;
      await sampler;
      expect(await h.stop()).toBe(0);
      hub = undefined;
      const summary = JSON.parse(fs.readFileSync(logFile, 'utf8')) as OutboundSummary;
      const outsideByOs = [...seen].filter((a) => !isLoopbackAddress(a));
      expect(summary.outside).toEqual([]);
      expect(outsideByOs).toEqual([]);
      // the watch did see the demo's node agents connect to the broker: it was really watching
      expect(summary.connects).toBeGreaterThan(0);
      recordFigure('no-outbound', {
        item: '15 no outbound connection',
        tried: `the real hub with the demo (3 households) for ${RUN_S} s under ${requests} dashboard/API requests and SSE; every TCP connect, UDP send and DNS lookup hooked inside the process, and the process's sockets read from /proc ${samples} times`,
        lost: `nothing left the machine: ${summary.connects} TCP connects, ${summary.udpSends} UDP sends, ${summary.lookups} DNS lookups, 0 outside loopback; ${seen.size} distinct peer addresses seen by the OS, all loopback`,
        figures: {
          runS: RUN_S,
          requests,
          connects: summary.connects,
          udpSends: summary.udpSends,
          lookups: summary.lookups,
          outside: summary.outside.length,
          osSamples: samples,
          osPeers: seen.size,
          osOutside: outsideByOs.length,
        },
      });
    },
    scale(120_000, 900_000),
  );
});
