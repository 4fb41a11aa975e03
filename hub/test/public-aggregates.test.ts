import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveAggregate, topics } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe('public aggregates over MQTT', () => {
  let th: TestHub;
  const nodes: MqttClient[] = [];
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    th = await startTestHub();
    for (const id of ['p1', 'p2', 'p3']) {
      secrets[id] = (await th.addNode(id, { sharing: 'private' })).secret;
      const c = await connectNode(th.mqttUrl, id, secrets[id]!);
      await sendMeta(c, id, [{ id: 'power', quantity: 'power', unit: 'W' }]);
      nodes.push(c);
    }
  });
  afterAll(async () => {
    for (const c of nodes) await c.endAsync();
    await th.stop();
  });

  // the minute before this one: the hub decides a minute once it has settled (docs/PRIVACY.md)
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const publish = (i: number, value: number) =>
    sendReadings(nodes[i]!, `p${i + 1}`, [
      { sensor: 'power', quantity: 'power', unit: 'W', value, ts: minute + 5000, seq: value },
    ]);
  /** The retained figure a subscriber gets, once it satisfies `ready`. */
  async function retained(node: string, ready: (a: LiveAggregate) => boolean): Promise<LiveAggregate> {
    for (let i = 0; i < 100; i++) {
      const c = await connectNode(th.mqttUrl, node, secrets[node]!);
      const got: string[] = [];
      c.on('message', (_t, payload) => got.push(payload.toString()));
      await c.subscribeAsync(topics.publicAggregate('power'), { qos: 0 });
      await new Promise((r) => setTimeout(r, 200));
      await c.endAsync();
      const last = got.at(-1);
      const a = last ? LiveAggregate.parse(JSON.parse(last)) : undefined;
      if (a && ready(a)) return a;
    }
    throw new Error('no retained figure');
  }

  it('retains a withheld figure (no value, the reason) while fewer than 3 private households contribute, then the figure', async () => {
    await publish(0, 100);
    await publish(1, 200);
    const early = await retained('p1', (a) => a.ts === minute);
    expect(early).toMatchObject({ quantity: 'power', value: null, households: null, named: null });
    expect(early.withheld).toBe('too_few');

    await publish(2, 300);
    const late = await retained('p2', (a) => a.value !== null);
    expect(late).toMatchObject({
      quantity: 'power',
      unit: 'W',
      ts: minute,
      value: 600,
      households: 3,
      sensors: 3,
    });
  });
});
