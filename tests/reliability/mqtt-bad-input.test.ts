import net from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubDb } from '../support/hub-db.ts';
import { connectNode, sendMeta } from '../support/mqtt-node.ts';
import { rng } from '../support/rng.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { recordFigure, rssMb, scale, sleep } from './support/figures.ts';
import { connect, corpus, qos2Reuse } from './support/mqtt-corpus.ts';

const FUZZ_PACKETS = scale(4000, 200_000);
const SEED = Number(process.env.COMMUNS_FUZZ_SEED ?? 7);
/** the fuzzing clients come from their own address: failed logins there throttle no one else */
const FROM = '127.0.0.3';

let th: TestHub;
let secret = '';
const health = { ok: 0, failed: 0, maxMs: 0 };
let polling = true;
let poller: Promise<void>;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  th = await startTestHub();
  secret = (await th.addNode('fuzz-a')).secret;
  const c = await connectNode(th.mqttUrl, 'fuzz-a', secret);
  await sendMeta(c, 'fuzz-a', [{ id: 'p', quantity: 'power', unit: 'W' }]);
  await c.endAsync();
  poller = (async () => {
    while (polling) {
      const t = Date.now();
      try {
        const res = await fetch(`${th.httpUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) health.ok++;
        else health.failed++;
      } catch {
        health.failed++;
      }
      health.maxMs = Math.max(health.maxMs, Date.now() - t);
      await sleep(50);
    }
  })();
});

afterAll(async () => {
  polling = false;
  await poller;
  process.off('uncaughtException', onUncaught);
  await th?.stop();
});

function stored(): number {
  return (hubDb(th.hub).prepare('SELECT count(*) AS n FROM all_readings').get() as { n: number }).n;
}

/** Opens a raw socket (after a valid CONNECT if asked), sends `bytes`; resolves whether the hub cut it. */
function send(
  bytes: Buffer[],
  afterConnect: boolean,
  waitMs = 150,
): Promise<{ cut: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: th.mqttPort, localAddress: FROM });
    let received = Buffer.alloc(0);
    let cut = false;
    let sent = !afterConnect;
    const writeAll = () => {
      for (const b of bytes) if (!s.destroyed) s.write(b);
    };
    s.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (!sent && received.length >= 4) {
        sent = true;
        received = received.subarray(4);
        writeAll();
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      cut = true;
    });
    s.on('connect', () => (afterConnect ? s.write(connect('fuzz-a', secret)) : writeAll()));
    setTimeout(() => {
      s.destroy();
      resolve({ cut, received });
    }, waitMs);
  });
}

describe('MQTT bad input', () => {
  const outcomes: Record<string, string> = {};

  it('a corpus of malformed packets: each cut or ignored, nothing stored, the hub keeps answering', async () => {
    const before = stored();
    const rss0 = rssMb();
    for (const c of corpus('fuzz-a', secret)) {
      const r = await send([c.bytes], c.afterConnect);
      outcomes[c.name] = r.cut ? 'connection cut' : 'ignored';
    }
    expect(stored() - before, JSON.stringify(outcomes, null, 1)).toBeLessThanOrEqual(0);
    expect(rssMb() - rss0).toBeLessThan(100);
    const res = await fetch(`${th.httpUrl}/api/health`);
    expect(res.status).toBe(200);
  });

  it('a QoS 2 PUBLISH repeated with the same packet id before PUBREL is stored once (MQTT-4.3.3)', async () => {
    const before = stored();
    const payload = JSON.stringify({
      readings: [{ sensor: 'p', quantity: 'power', unit: 'W', value: 7, ts: Date.now() - 5000, seq: 900 }],
    });
    const r = await send([qos2Reuse('fuzz-a', payload)], true, 500);
    expect(r.received.filter((b, i) => i % 4 === 0 && b === 0x50).length).toBeGreaterThanOrEqual(1);
    expect(stored() - before).toBe(1);
  });

  it(
    `${FUZZ_PACKETS} seeded random packets built with mqtt-packet, then mutated: no crash, health answers, memory bounded`,
    async () => {
      // seeded, so a failure can be replayed with COMMUNS_FUZZ_SEED
      const rnd = rng(SEED);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      const topics = [
        'communs/v1/nodes/fuzz-a/readings',
        'communs/v1/nodes/fuzz-a/meta',
        'communs/v1/nodes/fuzz-b/readings',
        '#',
        '+/+',
        '$SYS/x',
        'a'.repeat(300),
        '',
      ];
      const payloads = [
        '{}',
        '{"readings":[]}',
        'null',
        '\u0000\u00ff',
        '{"readings":[{"sensor":"p","quantity":"power","unit":"W","value":1e308,"ts":0,"seq":-1}]}',
        'x'.repeat(2000),
      ];
      const id = () => 1 + Math.floor(rnd() * 65535);
      const build = (): Buffer => {
        const kind = pick([
          'publish',
          'subscribe',
          'unsubscribe',
          'pingreq',
          'pubrel',
          'puback',
          'pubrec',
          'pubcomp',
          'disconnect',
          'connect',
        ] as const);
        let p: Packet;
        switch (kind) {
          case 'publish':
            p = {
              cmd: 'publish',
              topic: pick(topics),
              payload: pick(payloads),
              qos: pick([0, 1, 2] as const),
              retain: rnd() < 0.2,
              dup: rnd() < 0.1,
              messageId: id(),
            };
            break;
          case 'subscribe':
            p = {
              cmd: 'subscribe',
              messageId: id(),
              subscriptions: [{ topic: pick(topics) || '#', qos: pick([0, 1, 2] as const) }],
            };
            break;
          case 'unsubscribe':
            p = { cmd: 'unsubscribe', messageId: id(), unsubscriptions: [pick(topics) || 'a'] };
            break;
          case 'connect':
            p = {
              cmd: 'connect',
              protocolId: 'MQTT',
              protocolVersion: 4,
              clean: true,
              clientId: 'fuzz-a:fz',
              keepalive: 1,
              username: 'fuzz-a',
              password: Buffer.from('wrong'),
            };
            break;
          case 'pingreq':
          case 'disconnect':
            p = { cmd: kind };
            break;
          default:
            p = { cmd: kind, messageId: id() };
        }
        const bytes = Buffer.from(mqttPacket.generate(p));
        // half the packets are mutated: a byte flipped, cut short, or random bytes inserted
        if (rnd() < 0.5) {
          const m = rnd();
          const i = Math.floor(rnd() * bytes.length);
          if (m < 0.4) bytes[i] = Math.floor(rnd() * 256);
          else if (m < 0.7) return bytes.subarray(0, i);
          else
            return Buffer.concat([
              bytes.subarray(0, i),
              Buffer.from(Array.from({ length: 8 }, () => Math.floor(rnd() * 256))),
              bytes.subarray(i),
            ]);
        }
        return bytes;
      };
      const before = stored();
      const rss0 = rssMb();
      let rssMax = rss0;
      let sent = 0;
      let connections = 0;
      let cut = 0;
      const started = Date.now();
      while (sent < FUZZ_PACKETS) {
        // four connections at a time, 25 packets each; one in ten starts without CONNECT
        const batch = Array.from({ length: 4 }, () => {
          const pkts = Array.from({ length: 25 }, build);
          sent += pkts.length;
          connections++;
          return send(pkts, rnd() >= 0.1, 60);
        });
        for (const r of await Promise.all(batch)) if (r.cut) cut++;
        rssMax = Math.max(rssMax, rssMb());
      }
      const durationS = (Date.now() - started) / 1000;
      await sleep(500);
      expect(uncaught).toEqual([]);
      expect(rssMax - rss0).toBeLessThan(150);
      expect(stored() - before).toBe(0);
      expect(health.failed).toBe(0);
      expect((await fetch(`${th.httpUrl}/api/health`)).status).toBe(200);
      const counters = th.hub.broker.counters;
      recordFigure('mqtt-bad-input', {
        item: '8 MQTT packets',
        tried: `${Object.keys(outcomes).length} hand-written malformed packets + QoS 2 id reuse + ${sent} seeded random packets (seed ${SEED}, half mutated) over ${connections} connections in ${durationS.toFixed(1)} s; /api/health polled every 50 ms throughout`,
        lost: `nothing: 0 uncaught exceptions, 0 readings stored from fuzz, health ${health.ok}/${health.ok + health.failed} answered (slowest ${health.maxMs} ms), memory +${(rssMax - rss0).toFixed(0)} MB peak; ${cut} connections cut, guard rejections ${counters.guardRejections}, denied topics ${counters.deniedTopics}`,
        figures: {
          corpus: Object.keys(outcomes).length,
          fuzzPackets: sent,
          connections,
          cut,
          seed: SEED,
          healthOk: health.ok,
          healthFailed: health.failed,
          healthMaxMs: health.maxMs,
          rssGrowthMb: Number((rssMax - rss0).toFixed(1)),
          guardRejections: counters.guardRejections,
          deniedTopics: counters.deniedTopics,
        },
      });
      console.log(JSON.stringify(outcomes, null, 1));
    },
    scale(120_000, 1_800_000),
  );
});
