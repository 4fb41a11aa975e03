import net from 'node:net';
import mqtt from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Reading, topics } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { connectNode, sendMeta } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

/**
 * The fast path of native readings (hub/src/broker/native-readings.ts): aedes never sees them, yet
 * a node's messages keep their order, its keepalive holds, and a subscriber still gets them.
 */
describe('native readings fast path', () => {
  let th: TestHub;
  const secrets: Record<string, string> = {};
  let seq = 0;
  const reading = (sensor = 'power', over: Partial<Reading> = {}): Reading => ({
    sensor,
    quantity: 'power',
    unit: 'W',
    value: 100 + (seq % 7),
    ts: Date.now() - 1000 + (seq % 500),
    seq: ++seq,
    ...over,
  });
  const count = (node: string) =>
    (
      hubDb(th.hub)
        .prepare(
          'SELECT count(*) AS n FROM all_readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.node_id = ?',
        )
        .get(node) as { n: number }
    ).n;
  /** topics aedes routed (the hub's own publishes included) */
  const routed: string[] = [];

  beforeAll(async () => {
    th = await startTestHub();
    for (const id of ['fast-1', 'fast-2', 'fast-3', 'fast-4', 'fast-5'])
      secrets[id] = (await th.addNode(id)).secret;
    th.hub.broker.aedes.on('publish', (packet) => routed.push(packet.topic));
  });
  afterAll(() => th.stop());

  it('stores readings without handing them to aedes, and acknowledges each after its commit', async () => {
    const c = await connectNode(th.mqttUrl, 'fast-1', secrets['fast-1'] as string);
    await sendMeta(c, 'fast-1', [{ id: 'power', quantity: 'power', unit: 'W' }]);
    // the public aggregates and the node's own status cannot carry readings: no reason to route them
    await c.subscribeAsync(['communs/v1/public/#', topics.status('fast-1')], { qos: 0 });
    await Promise.all(
      Array.from({ length: 200 }, () =>
        c.publishAsync(topics.readings('fast-1'), JSON.stringify({ readings: [reading()] }), { qos: 1 }),
      ),
    );
    // every PUBACK has arrived: all 200 readings are in the database
    expect(count('fast-1')).toBe(200);
    expect(routed).toContain(topics.meta('fast-1'));
    expect(routed).not.toContain(topics.readings('fast-1'));
    await c.endAsync();
  });

  it('keeps a node that only publishes readings connected past its keepalive', async () => {
    const c = await mqtt.connectAsync(th.mqttUrl, {
      username: 'fast-2',
      password: secrets['fast-2'],
      clientId: 'fast-2:keepalive',
      keepalive: 1,
      reconnectPeriod: 0,
    });
    await sendMeta(c, 'fast-2', [{ id: 'power', quantity: 'power', unit: 'W' }]);
    let closed = false;
    c.on('close', () => {
      closed = true;
    });
    // mqtt.js sends no PINGREQ while PUBACKs keep coming (reschedulePings): aedes hears nothing
    // itself and would cut the client after 1.5 × keepalive unless the fast path says it is alive
    let pings = 0;
    c.on('packetsend', (p) => {
      if (p.cmd === 'pingreq') pings++;
    });
    for (let i = 0; i < 12; i++) {
      await c.publishAsync(topics.readings('fast-2'), JSON.stringify({ readings: [reading()] }), { qos: 1 });
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(pings).toBe(0);
    expect(closed).toBe(false);
    expect(count('fast-2')).toBe(12);
    await c.endAsync();
  });

  it('routes a node’s readings through aedes while a subscription would receive them', async () => {
    const c = await connectNode(th.mqttUrl, 'fast-3', secrets['fast-3'] as string);
    await sendMeta(c, 'fast-3', [{ id: 'power', quantity: 'power', unit: 'W' }]);
    await c.subscribeAsync(topics.readings('fast-3'), { qos: 1 });
    const got = new Promise<string>((resolve) => c.once('message', (topic) => resolve(topic)));
    await c.publishAsync(topics.readings('fast-3'), JSON.stringify({ readings: [reading()] }), { qos: 1 });
    expect(await got).toBe(topics.readings('fast-3'));
    expect(count('fast-3')).toBe(1);
    await c.endAsync();
  });

  it('keeps arrival order across aedes and the fast path: meta then readings in one write', async () => {
    const s = net.connect(th.mqttPort, '127.0.0.1');
    const parser = mqttPacket.parser();
    const received: Packet[] = [];
    parser.on('packet', (p) => received.push(p));
    s.on('data', (d) => parser.parse(d));
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const gen = (p: object) => mqttPacket.generate(p as Packet);
    s.write(
      gen({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'fast-4:raw',
        keepalive: 60,
        username: 'fast-4',
        password: Buffer.from(secrets['fast-4'] as string),
      }),
    );
    await until(() => received.some((p) => p.cmd === 'connack'));
    // a sensor declared in the meta just before: if the readings overtook the meta, they would be
    // refused as unknown_sensor
    const meta = { node: 'fast-4', board: 'test', sensors: [{ id: 'new', quantity: 'power', unit: 'W' }] };
    const publish = (messageId: number, topic: string, payload: string) =>
      gen({ cmd: 'publish', topic, payload, qos: 1, messageId, retain: false, dup: false });
    const first = reading('new');
    s.write(
      Buffer.concat([
        publish(1, topics.meta('fast-4'), JSON.stringify(meta)),
        publish(2, topics.readings('fast-4'), JSON.stringify({ readings: [first] })),
        publish(3, topics.readings('fast-4'), JSON.stringify({ readings: [reading('new')] })),
      ]),
    );
    await until(() => received.filter((p) => p.cmd === 'puback').length === 3);
    // then readings alone (the fast path), a status (aedes), readings again, in one write
    s.write(
      Buffer.concat([
        publish(4, topics.readings('fast-4'), JSON.stringify({ readings: [reading('new')] })),
        publish(5, topics.status('fast-4'), JSON.stringify({ state: 'online' })),
        publish(6, topics.readings('fast-4'), JSON.stringify({ readings: [reading('new')] })),
      ]),
    );
    await until(() => received.filter((p) => p.cmd === 'puback').length === 6);
    const acks = received
      .filter((p) => p.cmd === 'puback')
      .map((p) => (p as { messageId: number }).messageId);
    expect(acks).toEqual([1, 2, 3, 4, 5, 6]); // MQTT-4.6.0-2: in the order of the PUBLISH packets
    expect(count('fast-4')).toBe(4);
    const refused = hubDb(th.hub)
      .prepare("SELECT count(*) AS n FROM rejections WHERE node_id = 'fast-4'")
      .get() as {
      n: number;
    };
    expect(refused.n).toBe(0);
    s.destroy();
  });

  it('takes only MQTT 3.1.1 connections: an MQTT 3.1 node’s readings go through aedes, and are stored', async () => {
    const c = await mqtt.connectAsync(th.mqttUrl, {
      username: 'fast-5',
      password: secrets['fast-5'],
      clientId: 'fast-5',
      protocolVersion: 3,
      protocolId: 'MQIsdp',
      reconnectPeriod: 0,
    });
    await sendMeta(c, 'fast-5', [{ id: 'power', quantity: 'power', unit: 'W' }]);
    await c.publishAsync(topics.readings('fast-5'), JSON.stringify({ readings: [reading()] }), { qos: 1 });
    expect(routed).toContain(topics.readings('fast-5'));
    expect(count('fast-5')).toBe(1);
    await c.endAsync();
  });
});

describe('with the fast path off (as after a failed start-up self-test)', () => {
  it('every reading goes through aedes and is stored, acknowledged in order', async () => {
    const th = await startTestHub({ fastPath: false });
    try {
      const routed: string[] = [];
      th.hub.broker.aedes.on('publish', (packet) => routed.push(packet.topic));
      const { secret } = await th.addNode('slow-1');
      const c = await connectNode(th.mqttUrl, 'slow-1', secret);
      await sendMeta(c, 'slow-1', [{ id: 'power', quantity: 'power', unit: 'W' }]);
      let seq = 0;
      await Promise.all(
        Array.from({ length: 50 }, () =>
          c.publishAsync(
            topics.readings('slow-1'),
            JSON.stringify({
              readings: [
                {
                  sensor: 'power',
                  quantity: 'power',
                  unit: 'W',
                  value: 1,
                  ts: Date.now() - 5000 + seq,
                  seq: ++seq,
                },
              ],
            }),
            { qos: 1 },
          ),
        ),
      );
      expect(routed.filter((t) => t === topics.readings('slow-1'))).toHaveLength(50);
      expect(
        hubDb(th.hub)
          .prepare(
            "SELECT count(*) FROM all_readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.node_id = 'slow-1'",
          )
          .pluck()
          .get(),
      ).toBe(50);
      await c.endAsync();
    } finally {
      await th.stop();
    }
  });
});
