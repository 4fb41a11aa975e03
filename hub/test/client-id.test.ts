import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

const run = promisify(execFile);

function readingsJson(seq: number): string {
  return JSON.stringify({
    readings: [{ sensor: 'power', quantity: 'power', unit: 'W', value: 100, ts: Date.now(), seq }],
  });
}

function connect(th: TestHub, node: string, secret: string, clientId: string, clean = true) {
  return mqtt.connectAsync(th.mqttUrl, {
    username: node,
    password: secret,
    clientId,
    clean,
    reconnectPeriod: 0,
    // a first login waits for its scrypt, seconds on a busy machine
    connectTimeout: 20_000,
  });
}

/** The CONNACK return code a connection attempt ends with (0 when it is accepted, then closed). */
async function connackCode(th: TestHub, node: string, secret: string, clientId: string, clean = true) {
  try {
    const c = await connect(th, node, secret, clientId, clean);
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

function mosquittoArgs(th: TestHub, node: string, secret: string, clientId?: string): string[] {
  return [
    ...['-h', '127.0.0.1', '-p', String(th.mqttPort), '-u', node, '-P', secret, '-V', 'mqttv311'],
    ...(clientId === undefined ? [] : ['-i', clientId]),
  ];
}

function stored(th: TestHub, node: string): number {
  return (
    hubDb(th.hub)
      .prepare(
        'SELECT count(*) AS n FROM all_readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.node_id = ?',
      )
      .get(node) as { n: number }
  ).n;
}

describe('broker: a client id belongs to one node (MQTT-3.1.3-9, CONNACK 2 otherwise)', () => {
  let th: TestHub;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    th = await startTestHub();
    for (const id of ['cid-a', 'cid-b', 'cid-a-2']) secrets[id] = (await th.addNode(id)).secret;
    const a = await connect(th, 'cid-a', secrets['cid-a'] ?? '', 'cid-a');
    await a.publishAsync(
      topics.meta('cid-a'),
      JSON.stringify({
        node: 'cid-a',
        board: 'test',
        sensors: [{ id: 'power', quantity: 'power', unit: 'W' }],
      }),
      { qos: 1, retain: true },
    );
    await a.endAsync();
  });
  afterAll(() => th.stop());

  it("mqtt.js: node B using node A's client id is refused; A stays connected and keeps its session", async () => {
    const inbox = `${topics.nodeSubtree('cid-a')}inbox`;
    const victim = await connect(th, 'cid-a', secrets['cid-a'] ?? '', 'cid-a', false);
    await victim.subscribeAsync(inbox, { qos: 1 });
    const refusedBefore = th.hub.broker.counters.refusedClientIds ?? 0;

    // live victim: the intruder's CONNECT must not close it
    const liveAttempt = await connackCode(th, 'cid-b', secrets['cid-b'] ?? '', 'cid-a', false);
    await new Promise((r) => setTimeout(r, 200));
    const victimStillConnected = victim.connected;
    victim.end(true);

    // offline victim: a message queued for its persistent session is not handed to the intruder
    await th.hub.broker.publish(inbox, 'queued for cid-a', { qos: 1 });
    const intruderGot: string[] = [];
    let offlineAttempt = 0;
    try {
      const intruder = await connect(th, 'cid-b', secrets['cid-b'] ?? '', 'cid-a', false);
      intruder.on('message', (_t, p) => intruderGot.push(p.toString()));
      await new Promise((r) => setTimeout(r, 300));
      await intruder.endAsync();
    } catch (err) {
      offlineAttempt = (err as { code?: number }).code ?? -1;
    }
    expect({ liveAttempt, victimStillConnected, offlineAttempt, intruderGot }).toEqual({
      liveAttempt: 2,
      victimStillConnected: true,
      offlineAttempt: 2,
      intruderGot: [],
    });
    expect(th.hub.broker.counters.refusedClientIds).toBe(refusedBefore + 2);
    const metrics = await (await fetch(`${th.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`communs_mqtt_refused_client_ids_total ${refusedBefore + 2}`);

    const back = await connect(th, 'cid-a', secrets['cid-a'] ?? '', 'cid-a', false);
    const message = await new Promise<string>((resolve) =>
      back.once('message', (_t, p) => resolve(p.toString())),
    );
    expect(message).toBe('queued for cid-a');
    await back.endAsync();
  });

  it("mosquitto_pub -i with another node's id exits with 'identifier rejected'; mosquitto_sub -i keeps its connection", async () => {
    const sub = spawn('mosquitto_sub', [
      ...mosquittoArgs(th, 'cid-a', secrets['cid-a'] ?? '', 'cid-a'),
      ...['-t', topics.readings('cid-a'), '-C', '1', '-W', '10'],
    ]);
    let out = '';
    sub.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => sub.on('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    const err = await run('mosquitto_pub', [
      ...mosquittoArgs(th, 'cid-b', secrets['cid-b'] ?? '', 'cid-a'),
      ...['-t', topics.readings('cid-b'), '-m', readingsJson(1)],
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toMatch(/identifier rejected/i);
    // the subscriber was not thrown out: it still receives what cid-a publishes
    await run('mosquitto_pub', [
      ...mosquittoArgs(th, 'cid-a', secrets['cid-a'] ?? '', 'cid-a:pub'),
      ...['-q', '1', '-t', topics.readings('cid-a'), '-m', readingsJson(2)],
    ]);
    expect(await exited).toBe(0);
    expect(out).toContain('"seq":2');
  });

  it('accepts the node id, the node id followed by ":" and anything, and an empty id (mosquitto_pub and paho by default, so emonhub)', async () => {
    const before = stored(th, 'cid-a');
    for (const [i, id] of ['cid-a', 'cid-a:tasmota-1', 'cid-a:', undefined].entries()) {
      await run('mosquitto_pub', [
        ...mosquittoArgs(th, 'cid-a', secrets['cid-a'] ?? '', id),
        ...['-q', '1', '-t', topics.readings('cid-a'), '-m', readingsJson(100 + i)],
      ]);
    }
    const py = `
import sys, paho.mqtt.client as mqtt
c = mqtt.Client(protocol=mqtt.MQTTv311)
c.username_pw_set(sys.argv[2], sys.argv[3])
c.connect('127.0.0.1', int(sys.argv[1]))
c.loop_start()
info = c.publish(sys.argv[4], sys.argv[5], qos=1)
info.wait_for_publish(5)
c.disconnect()
c.loop_stop()
sys.exit(0 if info.is_published() else 3)
`;
    await run('/usr/bin/python3', [
      '-c',
      py,
      String(th.mqttPort),
      'cid-a',
      secrets['cid-a'] ?? '',
      topics.readings('cid-a'),
      readingsJson(110),
    ]);
    expect(stored(th, 'cid-a')).toBe(before + 5);
  });

  it("refuses another node's id even when it starts with the node's own id, and a stock default id", async () => {
    const a = secrets['cid-a'] ?? '';
    expect(await connackCode(th, 'cid-a', a, 'cid-a-2')).toBe(2);
    expect(await connackCode(th, 'cid-a', a, 'DVES_1A2B3C')).toBe(2);
    expect(await connackCode(th, 'cid-a', a, 'cid-ab')).toBe(2);
    // mqtt.js makes up "mqttjs_…" when it is given no id: not the node's
    const made = await mqtt
      .connectAsync(th.mqttUrl, { username: 'cid-a', password: a, reconnectPeriod: 0 })
      .catch((e: { code?: number }) => e);
    expect((made as { code?: number }).code).toBe(2);
    // the node that owns the id gets in with it
    expect(await connackCode(th, 'cid-a-2', secrets['cid-a-2'] ?? '', 'cid-a-2')).toBe(0);
  });

  it('an empty client id needs a clean session (MQTT-3.1.3-8)', async () => {
    // mqtt.js and mosquitto_pub will not send this: the CONNECT is written by hand
    const socket = net.connect(th.mqttPort, '127.0.0.1');
    const answer = new Promise<Buffer>((resolve) => {
      socket.once('data', resolve);
      socket.once('close', () => resolve(Buffer.alloc(0)));
    });
    socket.on('error', () => {});
    const packet = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: '',
      keepalive: 30,
      username: 'cid-a',
      password: Buffer.from(secrets['cid-a'] ?? ''),
    });
    // fixed header (2) + protocol name (6) + level (1): the connect flags; clear "clean session"
    packet[9] = (packet[9] ?? 0) & ~0x02;
    socket.write(packet);
    const connack = await answer;
    socket.destroy();
    // CONNACK: 0x20, length 2, session present, return code
    expect([...connack.subarray(0, 4)]).toEqual([0x20, 2, 0, 2]);
  });
});
