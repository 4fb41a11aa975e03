import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../../hub/src/hub.ts';
import { topics } from '../../protocol/index.ts';
import { hubDb } from '../support/hub-db.ts';
import { connectNode, sendMeta } from '../support/mqtt-node.ts';
import { recordFigure } from './support/figures.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-payload-'));
/** the hub's clock offset: steps of ±1 h are injected here */
let offset = 0;
let hub: Hub;
let client: MqttClient;
const NODE = 'pay-a';

beforeAll(async () => {
  hub = new Hub({
    dataDir: dir,
    httpPort: 0,
    mqttPort: 0,
    host: '127.0.0.1',
    commitWindowMs: 5,
    synchronous: 'NORMAL',
    now: () => Date.now() + offset,
    log: () => {},
  });
  const urls = await hub.start();
  hub.store.registry.addHousehold({ id: 'h-pay', name: 'Pay', sharing: 'community' });
  const { secret } = await hub.store.registry.addNode({ id: NODE, household: 'h-pay' });
  client = await connectNode(urls.mqtt, NODE, secret);
  await sendMeta(client, NODE, [
    { id: 'p', quantity: 'power', unit: 'W' },
    { id: 't', quantity: 'temperature', unit: '°C' },
  ]);
});

afterAll(async () => {
  await client?.endAsync();
  await hub?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Rejection counts as the hub serves them (held since the last fold and in the database). */
function counts(): Record<string, number> {
  return Object.fromEntries(hub.store.rejections.countsOf(NODE).map((r) => [r.reason, r.count]));
}

/** Readings stored, held since the last fold and in the database. */
function stored(): number {
  return hub.store.raw.countOf(hub.store.registry.allSensors().map((s) => s.id));
}

let seq = 0;
const r = (o: Record<string, unknown> = {}) => ({
  sensor: 'p',
  quantity: 'power',
  unit: 'W',
  value: 120,
  ts: Date.now() - 60_000 + seq,
  seq: seq++,
  ...o,
});

async function publish(payload: string): Promise<void> {
  await client.publishAsync(topics.readings(NODE), payload, { qos: 1 });
}

const CASES: { name: string; payload: () => string; reason: string | null }[] = [
  { name: 'invalid JSON', payload: () => '{"readings": [', reason: 'bad_json' },
  // ArduinoJson writes a failed sensor as bare NaN: repaired to null, rejected alone (payload.ts)
  {
    name: 'NaN literal',
    payload: () => JSON.stringify({ readings: [r()] }).replace('"value":120', '"value":NaN'),
    reason: 'not_finite',
  },
  { name: 'NaN inside a word', payload: () => '{"readings":[NaNa]}', reason: 'bad_json' },
  {
    name: 'Infinity via 1e999',
    payload: () => JSON.stringify({ readings: [r()] }).replace('"value":120', '"value":1e999'),
    reason: 'bad_schema',
  },
  {
    name: '1e308 W',
    payload: () => JSON.stringify({ readings: [r({ value: 1e308 })] }),
    reason: 'out_of_range',
  },
  {
    name: 'value as a string',
    payload: () => JSON.stringify({ readings: [r({ value: '120' })] }),
    reason: 'bad_schema',
  },
  {
    name: 'value null',
    payload: () => JSON.stringify({ readings: [r({ value: null })] }),
    reason: 'not_finite',
  },
  {
    name: 'seq negative',
    payload: () => JSON.stringify({ readings: [r({ seq: -1 })] }),
    reason: 'bad_schema',
  },
  {
    name: 'ts as ISO string',
    payload: () => JSON.stringify({ readings: [r({ ts: new Date().toISOString() })] }),
    reason: 'bad_schema',
  },
  { name: 'readings not an array', payload: () => '{"readings":{"0":1}}', reason: 'bad_schema' },
  {
    name: 'unit that does not fit (°C for power)',
    payload: () => JSON.stringify({ readings: [r({ unit: '°C' })] }),
    reason: 'unit_mismatch',
  },
  {
    name: 'quantity other than declared',
    payload: () => JSON.stringify({ readings: [r({ quantity: 'temperature', unit: '°C', value: 20 })] }),
    reason: 'unit_mismatch',
  },
  {
    name: 'temperature of 5000 °C',
    payload: () =>
      JSON.stringify({ readings: [r({ sensor: 't', quantity: 'temperature', unit: '°C', value: 5000 })] }),
    reason: 'out_of_range',
  },
  {
    name: 'undeclared sensor',
    payload: () => JSON.stringify({ readings: [r({ sensor: 'zz' })] }),
    reason: 'unknown_sensor',
  },
  { name: 'ts in 1970', payload: () => JSON.stringify({ readings: [r({ ts: 1000 })] }), reason: 'ts_past' },
  {
    name: 'ts after 2100',
    payload: () => JSON.stringify({ readings: [r({ ts: Date.UTC(2101, 0, 1) })] }),
    reason: 'ts_future',
  },
  { name: 'empty payload', payload: () => '', reason: 'bad_json' },
  {
    name: 'a 1 MB-deep nesting',
    payload: () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    reason: 'bad_schema',
  },
];

describe('payloads and time', () => {
  const tally: Record<string, number> = {};

  it('each bad payload is rejected with its own reason counter and nothing is stored', async () => {
    for (const c of CASES) {
      const before = counts();
      const n = stored();
      await publish(c.payload());
      const after = counts();
      const grew = Object.keys(after).filter((k) => (after[k] ?? 0) > (before[k] ?? 0));
      expect(grew, c.name).toEqual([c.reason]);
      expect(stored(), c.name).toBe(n);
      tally[c.reason as string] = (tally[c.reason as string] ?? 0) + 1;
    }
  });

  it('out-of-order readings are stored, a duplicate timestamp is counted once as duplicate', async () => {
    const n = stored();
    const t = Date.now() - 30_000;
    await publish(JSON.stringify({ readings: [r({ ts: t }), r({ ts: t - 5000 }), r({ ts: t - 2000 })] }));
    expect(stored()).toBe(n + 3);
    const dup = counts().duplicate ?? 0;
    await publish(JSON.stringify({ readings: [r({ ts: t, value: 999 })] }));
    expect(counts().duplicate).toBe(dup + 1);
    expect(stored()).toBe(n + 3);
    tally.duplicate = (tally.duplicate ?? 0) + 1;
  });

  it('a hub clock step of +1 h accepts the node readings; -1 h refuses them as ts_future, counted', async () => {
    offset = 3_600_000;
    const n = stored();
    await publish(JSON.stringify({ readings: [r({ ts: Date.now() })] }));
    expect(stored()).toBe(n + 1);
    offset = -3_600_000;
    const future = counts().ts_future ?? 0;
    await publish(JSON.stringify({ readings: [r({ ts: Date.now() })] }));
    expect(counts().ts_future).toBe(future + 1);
    offset = 0;
    await publish(JSON.stringify({ readings: [r({ ts: Date.now() })] }));
    expect(stored()).toBe(n + 2);
    tally.ts_future = (tally.ts_future ?? 0) + 1;
  });

  it('rollups and series never contain NaN, Infinity or null values', async () => {
    const res = await fetch(
      `${hub.urls().http}api/series?sensor=${NODE}/p&from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}`,
    );
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toMatch(/NaN|Infinity|null,|null]/);
    // then the file, once what the hub holds is folded into it
    await hub.store.checkpoint();
    const bad = hubDb(hub)
      .prepare(
        `SELECT count(*) AS n FROM rollups WHERE sum IS NULL OR min IS NULL OR max IS NULL OR last IS NULL
           OR abs(sum) > 1e300 OR abs(min) > 1e300 OR abs(max) > 1e300 OR sum != sum`,
      )
      .get() as { n: number };
    expect(bad.n).toBe(0);
    const total = (hubDb(hub).prepare('SELECT count(*) AS n FROM rollups').get() as { n: number }).n;
    expect(total).toBeGreaterThan(0);
    const rejected = Object.values(counts()).reduce((a, b) => a + b, 0);
    recordFigure('payload-and-time', {
      item: '9 payloads and time',
      tried: `${CASES.length} kinds of bad payload (invalid JSON, NaN, 1e999, 1e308, wrong types, units and quantities that do not fit, 1970, 2101, 20,000-deep nesting), out-of-order and duplicate timestamps, hub clock stepped +1 h and −1 h`,
      lost: `nothing stored from a bad payload; ${rejected} rejections counted by reason (${Object.entries(
        counts(),
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}); −1 h clock step: node readings refused as ts_future (not acknowledged as stored, counted); ${total} rollup rows, 0 with NaN/∞/null`,
      figures: {
        cases: CASES.length,
        rejected,
        rollups: total,
        ...Object.fromEntries(Object.entries(counts()).map(([k, v]) => [`reason_${k}`, v])),
      },
    });
  });
});
