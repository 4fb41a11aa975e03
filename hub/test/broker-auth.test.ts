import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { connectNode, sendMeta } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

const run = promisify(execFile);

function readingsJson(seq: number, value = 230): string {
  return JSON.stringify({
    readings: [{ sensor: 'power', quantity: 'power', unit: 'W', value, ts: Date.now(), seq }],
  });
}

function storedCount(th: TestHub, node: string): number {
  return (
    hubDb(th.hub)
      .prepare(
        'SELECT count(*) AS n FROM all_readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.node_id = ?',
      )
      .get(node) as { n: number }
  ).n;
}

describe('broker: credentials and topic ACL', () => {
  let th: TestHub;
  let secretA: string;
  let secretB: string;

  beforeAll(async () => {
    th = await startTestHub();
    secretA = (await th.addNode('node-a')).secret;
    secretB = (await th.addNode('node-b')).secret;
    for (const [id, s] of [
      ['node-a', secretA],
      ['node-b', secretB],
    ] as const) {
      const c = await connectNode(th.mqttUrl, id, s);
      await sendMeta(c, id, [{ id: 'power', quantity: 'power', unit: 'W' }]);
      await c.endAsync();
    }
  });
  afterAll(() => th.stop());

  it('mosquitto_pub with a node credential stores a QoS 1 reading', async () => {
    await run('mosquitto_pub', [
      ...['-h', '127.0.0.1', '-p', String(th.mqttPort), '-u', 'node-a', '-P', secretA, '-q', '1'],
      ...['-t', topics.readings('node-a'), '-m', readingsJson(1)],
    ]);
    expect(storedCount(th, 'node-a')).toBe(1);
  });

  it('mosquitto_sub with a node credential receives what the node publishes on its own subtree', async () => {
    const sub = spawn('mosquitto_sub', [
      ...['-h', '127.0.0.1', '-p', String(th.mqttPort), '-u', 'node-a', '-P', secretA],
      ...['-t', topics.readings('node-a'), '-C', '1', '-W', '10', '-v'],
    ]);
    const exited = new Promise((r) => sub.on('exit', r));
    let out = '';
    sub.stdout.on('data', (d) => {
      out += d;
    });
    await new Promise((r) => setTimeout(r, 500));
    const pub = await connectNode(th.mqttUrl, 'node-a', secretA);
    await pub.publishAsync(topics.readings('node-a'), readingsJson(2), { qos: 1 });
    await pub.endAsync();
    const code = await exited;
    expect(code).toBe(0);
    expect(out).toContain(topics.readings('node-a'));
  });

  it('refuses a wrong secret (mosquitto_pub exits with "not authorised")', async () => {
    const err = await run('mosquitto_pub', [
      ...['-h', '127.0.0.1', '-p', String(th.mqttPort), '-u', 'node-a', '-P', 'wrong-secret'],
      ...['-t', topics.readings('node-a'), '-m', readingsJson(3)],
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toMatch(/refused/i);
  });

  it('refuses anonymous MQTT', async () => {
    await expect(mqtt.connectAsync(th.mqttUrl, { reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow(
      /Not authorized|Connection refused/i,
    );
  });

  it('disconnects node A publishing under node B, and stores nothing', async () => {
    const before = storedCount(th, 'node-b');
    const a = await connectNode(th.mqttUrl, 'node-a', secretA);
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    a.publish(topics.readings('node-b'), readingsJson(10), { qos: 1 });
    await closed;
    a.end(true);
    expect(storedCount(th, 'node-b')).toBe(before);
  });

  it("refuses node A's subscription to node B's topics, to # and to $SYS (SUBACK 0x80)", async () => {
    const a = await connectNode(th.mqttUrl, 'node-a', secretA);
    for (const filter of [`${topics.nodeSubtree('node-b')}#`, '#', 'communs/v1/nodes/+/readings', '$SYS/#']) {
      const granted = await a.subscribeAsync(filter, { qos: 1 }).catch((e: Error) => e);
      // mqtt.js 5 rejects a subscription the broker refused with 0x80
      const refused = granted instanceof Error || (Array.isArray(granted) && granted[0]?.qos === 128);
      expect(refused, filter).toBe(true);
    }
    const own = await a.subscribeAsync(`${topics.nodeSubtree('node-a')}#`, { qos: 1 });
    expect(own[0]?.qos).toBe(1);
    await a.endAsync();
  });

  it('refuses a publish to $SYS/ by closing the connection', async () => {
    const a = await connectNode(th.mqttUrl, 'node-a', secretA);
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    a.publish('$SYS/broker/uptime', 'x', { qos: 1 });
    await closed;
    a.end(true);
  });

  it('accepts MQTT over WebSocket at /mqtt with the same credentials', async () => {
    const ws = await mqtt.connectAsync(th.wsUrl, {
      username: 'node-a',
      password: secretA,
      clientId: 'node-a:ws',
      reconnectPeriod: 0,
    });
    const before = storedCount(th, 'node-a');
    await ws.publishAsync(topics.readings('node-a'), readingsJson(20), { qos: 1 });
    expect(storedCount(th, 'node-a')).toBe(before + 1);
    await ws.endAsync();
  });

  it('refuses a revoked node', async () => {
    const { secret } = await th.addNode('node-r');
    th.hub.store.registry.revoke('node-r');
    await expect(connectNode(th.mqttUrl, 'node-r', secret)).rejects.toThrow();
  });
});
