import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { checkDb, processRssMb, provisionMany } from './support/db-check.ts';
import { eventually, recordFigure, scale, sleep } from './support/figures.ts';
import { type HubProcess, spawnHub } from './support/hub-process.ts';

const CONNECTIONS = 500;
/** distinct node ids (each costs one scrypt at first login); several connections per node in CI */
const NODES = scale(100, 500);
const PER_NODE = CONNECTIONS / NODES;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-storm-'));
let hub: HubProcess | undefined;
const clients: MqttClient[] = [];

afterAll(async () => {
  for (const c of clients) c.end(true);
  await hub?.kill9();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('reconnect storm', () => {
  it(`${CONNECTIONS} connections dropped at once all come back within 60 s, no duplicate rows, memory back near baseline`, async () => {
    const ids = Array.from({ length: NODES }, (_, i) => `storm-${i}`);
    const secret = await provisionMany(path.join(dir, 'communs.db'), ids);
    hub = await spawnHub(dir);
    const pid = hub.proc.pid as number;
    const url = hub.mqttUrl;
    const t0 = Date.now() - 120_000;
    let sent = 0;
    let acked = 0;
    const ackedKeys = new Set<string>();
    const connectOne = async (node: string, slot: number): Promise<MqttClient> => {
      const c = await mqtt.connectAsync(url, {
        username: node,
        password: secret,
        clientId: `${node}:${slot}`,
        reconnectPeriod: 500,
        // a first login costs an scrypt, one at a time (hub/src/store/scrypt-queue.ts): a batch of
        // 20 takes 20 of them, seconds on a loaded machine; the storm's reconnections cost none
        connectTimeout: 30_000,
      });
      c.on('error', () => {});
      if (slot === 0) {
        const sensors = Array.from({ length: PER_NODE }, (_, i) => ({
          id: `s${i}`,
          quantity: 'power' as const,
          unit: 'W',
        }));
        await c.publishAsync(topics.meta(node), JSON.stringify({ node, board: 'test', sensors }), {
          qos: 1,
          retain: true,
        });
      }
      return c;
    };
    const slots: { node: string; slot: number; c: MqttClient; k: number }[] = [];
    const firstWave = Date.now();
    for (let i = 0; i < ids.length; i += 20) {
      const batch = ids.slice(i, i + 20);
      const made = await Promise.all(
        batch.map(async (node) => {
          const out = [];
          const zero = await connectOne(node, 0);
          out.push({ node, slot: 0, c: zero, k: 0 });
          for (let s = 1; s < PER_NODE; s++) out.push({ node, slot: s, c: await connectOne(node, s), k: 0 });
          return out;
        }),
      );
      for (const m of made) slots.push(...m);
    }
    for (const s of slots) clients.push(s.c);
    const firstWaveS = (Date.now() - firstWave) / 1000;
    // every connection publishes one QoS 1 reading a second, through the storm
    let publishing = true;
    const pump = (async () => {
      while (publishing) {
        for (const s of slots) {
          const k = s.k++;
          const reading = {
            sensor: `s${s.slot}`,
            quantity: 'power',
            unit: 'W',
            value: 1,
            ts: t0 + k * 1000,
            seq: k * PER_NODE + s.slot,
          };
          sent++;
          s.c.publishAsync(topics.readings(s.node), JSON.stringify({ readings: [reading] }), { qos: 1 }).then(
            () => {
              acked++;
              ackedKeys.add(`${s.node}/${reading.seq}`);
            },
            () => {},
          );
        }
        await sleep(1000);
      }
    })();
    await sleep(3000);
    const baselineMb = processRssMb(pid);
    const dropAt = Date.now();
    for (const c of clients) c.stream.destroy();
    await eventually(() => clients.filter((c) => !c.connected).length > CONNECTIONS * 0.9, {
      timeoutMs: 5000,
      what: 'the drop',
    });
    await eventually(() => clients.every((c) => c.connected), {
      timeoutMs: 60_000,
      everyMs: 100,
      what: 'all connections back',
    });
    const backS = (Date.now() - dropAt) / 1000;
    await sleep(5000);
    publishing = false;
    await pump;
    await eventually(() => acked === sent, { timeoutMs: 30_000, what: 'every publish acknowledged' });
    await sleep(5000);
    const afterMb = processRssMb(pid);
    for (const c of clients) c.end(true);
    expect(await hub.stop()).toBe(0);
    hub = undefined;
    const check = checkDb(path.join(dir, 'communs.db'));
    expect(check.quickCheck).toBe('ok');
    let missingAcked = 0;
    for (const key of ackedKeys) {
      const [node, seq] = [key.slice(0, key.lastIndexOf('/')), Number(key.slice(key.lastIndexOf('/') + 1))];
      if (!check.seqs.get(node)?.has(seq)) missingAcked++;
    }
    expect(missingAcked).toBe(0);
    // one row per reading: resent messages were absorbed, not stored twice
    expect(check.rows).toBe(ackedKeys.size);
    expect(backS).toBeLessThan(60);
    expect(afterMb).toBeLessThan(baselineMb * 1.25 + 20);
    recordFigure('reconnect-storm', {
      item: '5 reconnect storm',
      tried: `${CONNECTIONS} MQTT connections (${NODES} nodes × ${PER_NODE}) to the real hub process, each publishing QoS 1 every second, all dropped at once (reconnect after 500 ms, no jitter); first wave connected in ${firstWaveS.toFixed(1)} s`,
      lost: `nothing acknowledged: all ${CONNECTIONS} back in ${backS.toFixed(1)} s, ${sent} publishes, ${check.rows} rows for ${ackedKeys.size} distinct readings (0 duplicates), hub RSS ${baselineMb} MB before, ${afterMb} MB after`,
      figures: {
        connections: CONNECTIONS,
        nodes: NODES,
        backS: Number(backS.toFixed(1)),
        firstWaveS: Number(firstWaveS.toFixed(1)),
        publishes: sent,
        rows: check.rows,
        baselineMb,
        afterMb,
      },
    });
  }, 180_000);
});
