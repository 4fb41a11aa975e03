import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { addDevice } from '../support/interop-client.ts';
import { connectNode, sendMeta } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { recordFigure, scale, sleep } from './support/figures.ts';

/**
 * A guessing flood on POST /data.php from many addresses (so the per-address throttle lets each
 * of them try), while a node publishes QoS 1 readings one after the other. Each guess costs an
 * scrypt in libuv's thread pool, where the commit log's write and sync that release every PUBACK
 * also run.
 */

const NODE = 'flood-meter';
const FLOOD_MS = scale(3000, 30_000);
const PHASE_MS = scale(2000, 20_000);
const WORKERS = 64;

/** scrypt calls the hub (in this process) has started and not finished, and the most at once. */
const scryptLoad = { inFlight: 0, peak: 0, calls: 0 };
const realScrypt = crypto.scrypt;

function countScrypt(): void {
  const counted = ((...args: unknown[]) => {
    const done = args.pop() as (err: Error | null, key: Buffer) => void;
    scryptLoad.calls++;
    scryptLoad.peak = Math.max(scryptLoad.peak, ++scryptLoad.inFlight);
    (realScrypt as (...a: unknown[]) => void)(...args, (err: Error | null, key: Buffer) => {
      scryptLoad.inFlight--;
      done(err, key);
    });
  }) as typeof crypto.scrypt;
  crypto.scrypt = counted;
  // the hub imports { scrypt } from node:crypto: its binding follows the patched property
  syncBuiltinESMExports();
}

function restoreScrypt(): void {
  crypto.scrypt = realScrypt;
  syncBuiltinESMExports();
}

/**
 * The guesser, in its own process as an attacker would be: its own event loop does not slow the
 * hub's. Prints the count of each HTTP status it got, as JSON, when it is done or told to stop.
 */
const GUESSER = `
const http = require('node:http');
const [port, ms, workers] = process.argv.slice(1).map(Number);
const auth = 'Basic ' + Buffer.from('air-flood:not-the-secret').toString('base64');
const statuses = {};
const end = Date.now() + ms;
let stop = false;
process.on('SIGTERM', () => { stop = true; });
function guess(from) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/data.php', method: 'POST', localAddress: from,
      agent: false, headers: { authorization: auth, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(-1));
    req.end('{"esp8266id":"1","sensordatavalues":[]}');
  });
}
Promise.all(Array.from({ length: workers }, async (_, w) => {
  // 200 source addresses: the per-address throttle allows each 5 failures a second
  for (let i = 0; !stop && Date.now() < end; i++) {
    const status = await guess('127.0.' + (1 + (w % 4)) + '.' + (10 + ((w * 7 + i) % 50)));
    statuses[status] = (statuses[status] || 0) + 1;
  }
})).then(() => console.log(JSON.stringify(statuses)));
`;

function startGuesser(th: TestHub): { stop: () => void; done: Promise<Record<string, number>> } {
  const child = spawn(process.execPath, [
    '-e',
    GUESSER,
    String(th.httpPort),
    String(FLOOD_MS),
    String(WORKERS),
  ]);
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const done = new Promise<Record<string, number>>((resolve) =>
    child.on('exit', () => resolve(JSON.parse(out || '{}') as Record<string, number>)),
  );
  return { stop: () => child.kill('SIGTERM'), done };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

describe('a guessing flood on /data.php does not hold back the acknowledgements of readings', () => {
  let th: TestHub;
  let node: MqttClient;
  let seq = 0;

  beforeAll(async () => {
    th = await startTestHub({ commitWindowMs: 20 });
    const { secret } = await th.addNode(NODE);
    node = await connectNode(th.mqttUrl, NODE, secret);
    await sendMeta(node, NODE, [{ id: 'p', quantity: 'power', unit: 'W' }]);
    th.addHousehold('h-air', 'community');
    await addDevice(th, 'device add air-flood --format airrohr --household h-air');
  });
  afterAll(async () => {
    restoreScrypt();
    await node?.endAsync();
    await th?.stop();
  });

  /** QoS 1 publish → PUBACK times, one message at a time, for `ms`. */
  async function ackTimes(ms: number): Promise<number[]> {
    const out: number[] = [];
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const t = performance.now();
      const reading = { sensor: 'p', quantity: 'power', unit: 'W', value: 100, ts: Date.now(), seq: ++seq };
      await node.publishAsync(topics.readings(NODE), JSON.stringify({ readings: [reading] }), { qos: 1 });
      out.push(performance.now() - t);
      await sleep(10);
    }
    return out;
  }

  it('at most one scrypt runs at a time, guesses past the waiting list get 503, and PUBACKs stay near the baseline', async () => {
    // one scrypt alone, the unit of the bound below
    const t0 = performance.now();
    await new Promise((r) => crypto.scrypt('x', 'salt-salt-salt-s', 32, { N: 16384, r: 8, p: 1 }, r));
    const scryptMs = performance.now() - t0;

    const baseline = await ackTimes(PHASE_MS);
    countScrypt();
    const guesser = startGuesser(th);
    await sleep(300);
    const flooded = await ackTimes(PHASE_MS);
    guesser.stop();
    const statuses = await guesser.done;
    restoreScrypt();

    const figures = {
      scryptMs: Math.round(scryptMs),
      baselineP50: Math.round(percentile(baseline, 50)),
      baselineP95: Math.round(percentile(baseline, 95)),
      floodP50: Math.round(percentile(flooded, 50)),
      floodP95: Math.round(percentile(flooded, 95)),
      floodMax: Math.round(Math.max(...flooded)),
      acks: flooded.length,
      guesses: Object.values(statuses).reduce((a, b) => a + b, 0),
      refused401: statuses['401'] ?? 0,
      busy503: statuses['503'] ?? 0,
      throttled429: statuses['429'] ?? 0,
      scryptCalls: scryptLoad.calls,
      scryptPeak: scryptLoad.peak,
    };
    recordFigure('login-flood', {
      item: '12 guessing flood on /data.php',
      tried: `${figures.guesses} wrong-secret POST /data.php from another process, ${WORKERS} at a time from 200 loopback addresses, while one node publishes QoS 1 readings one at a time for ${PHASE_MS} ms`,
      lost: `nothing: 0 guesses accepted; ${figures.scryptCalls} scrypt checks, at most ${figures.scryptPeak} at once; ${figures.busy503} answered 503 (password checks busy), ${figures.throttled429} 429; PUBACK p50/p95 ${figures.baselineP50}/${figures.baselineP95} ms before, ${figures.floodP50}/${figures.floodP95} ms during (one scrypt: ${figures.scryptMs} ms)`,
      figures,
    });

    expect(statuses['200'] ?? 0).toBe(0);
    expect(scryptLoad.peak).toBe(1);
    expect(figures.busy503).toBeGreaterThan(0);
    // relative to this run: a reading may wait while the CPU runs one scrypt, not behind a thread
    // pool full of them (before the queue: one PUBACK waited 9.4 s; docs/RELIABILITY.md)
    expect(figures.floodMax).toBeLessThan(10 * figures.baselineP95 + 4 * figures.scryptMs);
  });
});
