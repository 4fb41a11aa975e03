import mqtt, { type MqttClient } from 'mqtt';
import type { ISubackPacket } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

const NODE = 'subs-a';

function filter(i: number | string): string {
  return `${topics.nodeSubtree(NODE)}cmd/${i}`;
}

/** The SUBACK return codes of one SUBSCRIBE (mqtt.js reports a refusal only as an error). */
function subscribe(c: MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve) => {
    const onPacket = (packet: mqtt.Packet) => {
      if (packet.cmd !== 'suback') return;
      c.off('packetreceive', onPacket);
      resolve((packet as ISubackPacket).granted as number[]);
    };
    c.on('packetreceive', onPacket);
    c.subscribe(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])), () => {});
  });
}

describe('broker: at most 100 subscriptions per client (default)', () => {
  let th: TestHub;
  let secret: string;
  const connect = (clientId: string, clean = true) =>
    mqtt.connectAsync(th.mqttUrl, { username: NODE, password: secret, clientId, clean, reconnectPeriod: 0 });

  beforeAll(async () => {
    th = await startTestHub();
    secret = (await th.addNode(NODE)).secret;
  });
  afterAll(() => th.stop());

  it('the 101st gets SUBACK 0x80 and is counted; the same filter again is no new one; unsubscribing frees a place', async () => {
    const c = await connect(NODE);
    const hundred = Array.from({ length: 100 }, (_, i) => filter(i));
    expect(new Set(await subscribe(c, hundred))).toEqual(new Set([1]));
    const before = th.hub.broker.counters.refusedSubscriptions ?? 0;
    expect(await subscribe(c, [filter(0), filter('extra')])).toEqual([1, 0x80]);
    expect(th.hub.broker.counters.refusedSubscriptions).toBe(before + 1);
    const metrics = await (await fetch(`${th.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`communs_mqtt_refused_subscriptions_total ${before + 1}`);
    expect(th.log.join('\n')).toMatch(/100 subscriptions/);
    expect(c.connected).toBe(true);
    await c.unsubscribeAsync(filter(5));
    expect(await subscribe(c, [filter('extra')])).toEqual([1]);
    await c.endAsync();
  });

  it('a persistent session keeps at most 100 either, also when refused filters came in the same packet', async () => {
    const id = `${NODE}:persistent`;
    const c = await connect(id, false);
    const granted = await subscribe(
      c,
      Array.from({ length: 150 }, (_, i) => filter(`p${i}`)),
    );
    expect(granted.filter((g) => g === 1)).toHaveLength(100);
    await c.endAsync();
    // the session as aedes stores it (public on aedes, absent from its types)
    const { persistence } = th.hub.broker.aedes as unknown as {
      persistence: { subscriptionsByClient(client: { id: string }): Promise<unknown[] | null> };
    };
    const stored = await persistence.subscriptionsByClient({ id });
    expect(stored?.length).toBe(100);
    const back = await connect(id, false);
    expect(await subscribe(back, [filter('p-new')])).toEqual([0x80]);
    await back.endAsync();
  });
});
