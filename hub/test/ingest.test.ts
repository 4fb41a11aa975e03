import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Reading, Reading as ReadingSchema, topics } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { connectNode, sendMeta } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

const NODE = 'meter-1';

describe('ingest: every rejection reason is counted and nothing rejected is stored', () => {
  let th: TestHub;
  let client: MqttClient;
  let seq = 0;

  const reading = (over: Partial<Reading> = {}): Reading => ({
    sensor: 'power',
    quantity: 'power',
    unit: 'W',
    value: 500,
    ts: Date.now(),
    seq: ++seq,
    ...over,
  });
  const publish = (payload: string) => client.publishAsync(topics.readings(NODE), payload, { qos: 1 });
  const stored = () =>
    (hubDb(th.hub).prepare('SELECT count(*) AS n FROM all_readings').get() as { n: number }).n;
  const reasons = () =>
    Object.fromEntries(
      (
        hubDb(th.hub).prepare('SELECT reason, count FROM rejection_counts WHERE node_id = ?').all(NODE) as {
          reason: string;
          count: number;
        }[]
      ).map((r) => [r.reason, r.count]),
    );

  beforeAll(async () => {
    th = await startTestHub();
    const { secret } = await th.addNode(NODE);
    client = await connectNode(th.mqttUrl, NODE, secret);
    await sendMeta(client, NODE, [
      { id: 'power', quantity: 'power', unit: 'W' },
      { id: 'energy', quantity: 'energy', unit: 'Wh' },
      { id: 'temp', quantity: 'temperature', unit: '°C' },
    ]);
  });
  afterAll(async () => {
    await client.endAsync();
    await th.stop();
  });

  it('a QoS 1 reading is in the database when its PUBACK arrives', async () => {
    for (let i = 0; i < 20; i++) {
      const r = reading({ ts: Date.now() + i });
      await publish(JSON.stringify({ readings: [r] }));
      const row = hubDb(th.hub).prepare('SELECT seq FROM all_readings WHERE seq = ?').get(r.seq);
      expect(row, `seq ${r.seq}`).toBeDefined();
    }
  });

  it('converts units to the canonical one (kW → W, °F → °C)', async () => {
    const a = reading({ unit: 'kW', value: 1.2, ts: Date.now() - 5000 });
    const b = reading({ sensor: 'temp', quantity: 'temperature', unit: '°F', value: 68 });
    await publish(JSON.stringify({ readings: [a, b] }));
    const value = (s: number) =>
      (hubDb(th.hub).prepare('SELECT value FROM all_readings WHERE seq = ?').get(s) as { value: number })
        .value;
    expect(value(a.seq)).toBeCloseTo(1200);
    expect(value(b.seq)).toBeCloseTo(20);
  });

  const cases: Array<[string, () => string]> = [
    ['bad_json', () => '{"readings": [ {'],
    ['bad_schema', () => JSON.stringify({ readings: 'many' })],
    ['unknown_sensor', () => JSON.stringify({ readings: [reading({ sensor: 'fridge' })] })],
    ['unit_mismatch', () => JSON.stringify({ readings: [reading({ unit: 'ppm' })] })],
    [
      'out_of_range',
      () =>
        JSON.stringify({
          readings: [reading({ sensor: 'temp', quantity: 'temperature', unit: '°C', value: 1e308 })],
        }),
    ],
    [
      'not_finite',
      () =>
        `{"readings":[{"sensor":"power","quantity":"power","unit":"W","value":NaN,"ts":${Date.now()},"seq":${++seq}}]}`,
    ],
    ['ts_past', () => JSON.stringify({ readings: [reading({ ts: Date.UTC(1970, 0, 2) })] })],
    ['ts_future', () => JSON.stringify({ readings: [reading({ ts: Date.UTC(2101, 0, 1) })] })],
  ];
  for (const [reason, payload] of cases) {
    it(`rejects with reason ${reason}, stores nothing, keeps the connection`, async () => {
      const before = stored();
      const counted = reasons()[reason] ?? 0;
      await publish(payload());
      expect(stored()).toBe(before);
      expect(reasons()[reason]).toBe(counted + 1);
      expect(client.connected).toBe(true);
    });
  }

  it('rejects a seq past 2^53 − 1 as bad_schema in the fast validator and the schema alike; the gap count stays', async () => {
    const node = () => th.hub.store.registry.node(NODE);
    await publish(JSON.stringify({ readings: [reading()] }));
    const { gaps, max_seq } = node() ?? {};
    const before = stored();
    const counted = reasons().bad_schema ?? 0;
    // a C node printing a uint64, and the first integer a double cannot tell from its neighbour
    for (const big of ['9223372036854775808', String(2 ** 53)]) {
      const text = `{"readings":[{"sensor":"power","quantity":"power","unit":"W","value":1,"ts":${Date.now()},"seq":${big}}]}`;
      await publish(text);
      // through zod: a field of the wrong type sends the whole reading there
      await publish(text.replace('"value":1', '"value":"1"'));
    }
    expect(stored()).toBe(before);
    expect(reasons().bad_schema).toBe(counted + 4);
    expect(node()?.max_seq).toBe(max_seq);
    await publish(JSON.stringify({ readings: [reading()] }));
    expect(node()?.gaps).toBe(gaps);
    expect(ReadingSchema.safeParse({ ...reading(), seq: Number.MAX_SAFE_INTEGER }).success).toBe(true);
    expect(ReadingSchema.safeParse({ ...reading(), seq: Number.MAX_SAFE_INTEGER + 1 }).success).toBe(false);
  });

  it('absorbs a duplicate (same sensor and timestamp re-sent) and counts it', async () => {
    const r = reading();
    await publish(JSON.stringify({ readings: [r] }));
    const before = stored();
    await publish(JSON.stringify({ readings: [r] }));
    expect(stored()).toBe(before);
    expect(reasons().duplicate).toBeGreaterThanOrEqual(1);
  });

  it('keeps the good readings of a message that also carries a bad one', async () => {
    const before = stored();
    const good = reading({ ts: Date.now() - 1000 });
    await publish(JSON.stringify({ readings: [good, reading({ sensor: 'nope' })] }));
    expect(stored()).toBe(before + 1);
  });

  it('stores energy totals as deltas and records a counter reset as an event', async () => {
    const t0 = Date.now() - 60_000;
    const totals = [10_000, 10_050, 10_120, 30]; // the last one: the meter restarted from zero
    for (const [i, total] of totals.entries()) {
      await publish(
        JSON.stringify({
          readings: [
            reading({ sensor: 'energy', quantity: 'energy', unit: 'Wh', value: total, ts: t0 + i * 10_000 }),
          ],
        }),
      );
    }
    const sensor = th.hub.store.registry.sensor(NODE, 'energy')!;
    const deltas = (
      hubDb(th.hub)
        .prepare('SELECT value FROM all_readings WHERE sensor_id = ? ORDER BY ts')
        .all(sensor.id) as {
        value: number;
      }[]
    ).map((r) => r.value);
    expect(deltas).toEqual([0, 50, 70, 30]);
    const events = hubDb(th.hub)
      .prepare('SELECT kind FROM counter_events WHERE sensor_id = ?')
      .all(sensor.id);
    expect(events).toEqual([{ kind: 'reset' }]);
  });

  it('exposes counts and the last reasons in /api/nodes', async () => {
    const res = await fetch(`${th.httpUrl}/api/nodes`);
    const body = (await res.json()) as {
      nodes: {
        id: string;
        rejected: number;
        lastRejections: { reason: string }[];
        rejectedByReason: Record<string, number>;
      }[];
    };
    const node = body.nodes.find((n) => n.id === NODE)!;
    expect(node.rejected).toBeGreaterThanOrEqual(cases.length);
    expect(node.lastRejections.length).toBeGreaterThan(0);
    expect(Object.keys(node.rejectedByReason)).toEqual(expect.arrayContaining(cases.map(([r]) => r)));
  });
});
