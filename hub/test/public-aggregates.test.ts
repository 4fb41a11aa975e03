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

  const publish = (i: number, value: number) =>
    sendReadings(nodes[i]!, `p${i + 1}`, [
      { sensor: 'power', quantity: 'power', unit: 'W', value, ts: Date.now(), seq: value },
    ]);

  it('withholds the collective figure while fewer than 3 households contribute, then publishes it retained', async () => {
    await publish(0, 100);
    await publish(1, 200);
    await new Promise((r) => setTimeout(r, 1300));
    const early = await connectNode(th.mqttUrl, 'p1', secrets.p1!);
    const got: string[] = [];
    early.on('message', (_t, payload) => got.push(payload.toString()));
    await early.subscribeAsync(topics.publicAggregate('power'), { qos: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    await early.endAsync();

    await publish(2, 300);
    await new Promise((r) => setTimeout(r, 1300));
    const late = await connectNode(th.mqttUrl, 'p2', secrets.p2!);
    const message = new Promise<string>((resolve) => late.on('message', (_t, p) => resolve(p.toString())));
    await late.subscribeAsync(topics.publicAggregate('power'), { qos: 0 });
    const agg = LiveAggregate.parse(JSON.parse(await message));
    expect(agg).toMatchObject({ quantity: 'power', unit: 'W', value: 600, households: 3, sensors: 3 });
    await late.endAsync();
  });
});
