import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Demo } from '../../firmware/demo/demo.ts';
import { demoPlan } from '../../firmware/demo/plan.ts';
import { demoHubAccess } from '../../hub/src/demo-access.ts';
import { Hub } from '../../hub/src/hub.ts';
import { eventually, recordFigure, scale, sleep } from './support/figures.ts';

const OUTAGE_S = scale(10, 300);
const HOUSEHOLDS = 3;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-outage-'));
let hub: Hub | undefined;
let demo: Demo | undefined;

afterAll(async () => {
  // the agents' stop is bounded: a hang there is the node agent's to fix, not a reason to lose the hub
  const stopped = await Promise.race([
    demo?.stop().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 20_000)),
  ]);
  if (!stopped) console.warn('hub-outage: the demo agents did not stop within 20 s');
  await hub?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function makeHub(httpPort: number, mqttPort: number): Hub {
  return new Hub({
    dataDir: path.join(dir, 'hub'),
    httpPort,
    mqttPort,
    host: '127.0.0.1',
    commitWindowMs: 20,
    log: () => {},
  });
}

interface NodeSeqs {
  id: string;
  maxSeq: number | null;
  gaps: number;
  rejected: number;
}

/** The demo nodes' counters as the hub serves them (the registry; the `nodes` rows follow within a minute). */
function demoNodes(h: Hub): NodeSeqs[] {
  return h.store.registry
    .listNodes()
    .filter((n) => n.demo === 1)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((n) => ({ id: n.id, maxSeq: n.max_seq, gaps: n.gaps, rejected: n.rejected }));
}

/** The sequence numbers the hub has stored for a node, held since its last fold or in the file. */
function storedSeqs(h: Hub, node: string, from: number): number[] {
  const seqs = new Set<number>();
  for (const sensor of h.store.registry.sensorsOf(node))
    for (const r of h.store.raw.range(sensor.id, 0, Number.MAX_SAFE_INTEGER))
      if (r.seq !== null && r.seq >= from) seqs.add(r.seq);
  return [...seqs].sort((a, b) => a - b);
}

describe('hub outage', () => {
  it(
    `the hub stopped for ${OUTAGE_S} s while the demo's node agents run: after restart, no sequence gap`,
    async () => {
      hub = makeHub(0, 0);
      const urls = await hub.start();
      const ports = { http: Number(new URL(urls.http).port), mqtt: Number(new URL(urls.mqtt).port) };
      // the demo's agents live outside the hub here, so that stopping the hub does not stop them
      demo = new Demo({
        households: HOUSEHOLDS,
        mqttUrl: urls.mqtt,
        dataDir: path.join(dir, 'agents'),
        hub: demoHubAccess(hub),
        log: () => {},
        publishIntervalS: 1,
        historyDays: 1,
      });
      await demo.start();
      const first = hub;
      await eventually(
        () => demoNodes(first).length >= HOUSEHOLDS && demoNodes(first).every((n) => n.maxSeq !== null),
        {
          timeoutMs: 30_000,
          what: 'every demo node live',
        },
      );
      await sleep(2000);
      const before = new Map(demoNodes(hub).map((n) => [n.id, n]));
      await hub.stop();
      const stoppedAt = Date.now();
      await sleep(OUTAGE_S * 1000);
      hub = makeHub(ports.http, ports.mqtt);
      await hub.start();
      const second = hub;
      const restartedAt = Date.now();
      // every agent replays its disk queue, in order, then goes on live
      await eventually(
        () =>
          demoNodes(second).every((n) => {
            const b = before.get(n.id);
            return b?.maxSeq != null && n.maxSeq != null && n.maxSeq > b.maxSeq + OUTAGE_S;
          }),
        { timeoutMs: 60_000, what: 'the agents to replay what they queued' },
      );
      const replayS = (Date.now() - restartedAt) / 1000;
      await sleep(3000);
      let spanned = 0;
      let missing = 0;
      for (const n of demoNodes(second)) {
        const b = before.get(n.id) as NodeSeqs;
        const seqs = storedSeqs(second, n.id, (b.maxSeq as number) + 1);
        const top = n.maxSeq as number;
        spanned += top - (b.maxSeq as number);
        // a reading the hub rejected (a sensor's bad value) leaves a hole that is not a loss
        const rejectedSince = n.rejected - b.rejected;
        const holes = top - (b.maxSeq as number) - seqs.length;
        missing += Math.max(0, holes - rejectedSince);
        expect(n.gaps, `${n.id} gaps`).toBe(0);
      }
      expect(missing).toBe(0);
      recordFigure('hub-outage', {
        item: '2 hub outage',
        tried: `hub stopped for ${OUTAGE_S} s (and restarted on the same ports) while the ${demoPlan(HOUSEHOLDS).length} node agents of a ${HOUSEHOLDS}-household demo (virtual boards, 1 s interval, disk store-and-forward) ran; ${spanned} readings across the outage`,
        lost: `nothing: 0 sequence gaps on every node, 0 readings missing, queues replayed ${replayS.toFixed(1)} s after the restart (agent backoff up to 30 s)`,
        figures: {
          outageS: OUTAGE_S,
          nodes: HOUSEHOLDS,
          readingsAcross: spanned,
          missing,
          replayS: Number(replayS.toFixed(1)),
          downS: Math.round((restartedAt - stoppedAt) / 1000),
        },
      });
    },
    scale(120_000, 600_000),
  );
});
