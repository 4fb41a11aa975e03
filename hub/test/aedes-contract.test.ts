import net from 'node:net';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKED_AEDES_VERSION, installedAedesProblem, selfTest } from '../src/broker/fast-path.ts';

/**
 * The contract between the readings fast path (hub/src/broker/fast-path.ts) and the pinned aedes:
 * each internal it relies on, checked against the real broker. When aedes is upgraded and one of
 * these moves, this suite fails, and so does the hub's start-up self-test (the fast path then stays
 * off and every reading goes through aedes).
 */
type Internal = Client & {
  version?: number;
  _keepaliveTimer?: NodeJS.Timeout | null;
  _keepaliveInterval?: number;
};

const brokers: Aedes[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const b of brokers.splice(0)) await new Promise<void>((r) => b.close(() => r()));
});

async function start(): Promise<{ broker: Aedes; port: number }> {
  const broker = await Aedes.createBroker({ id: 'contract' });
  brokers.push(broker);
  const server = net.createServer(broker.handle);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { broker, port: (server.address() as net.AddressInfo).port };
}

const packet = (p: object) => mqttPacket.generate(p as mqttPacket.Packet);
const connect = (clientId: string, protocolVersion: 3 | 4 | 5 = 4, keepalive = 30) =>
  packet({
    cmd: 'connect',
    protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion,
    clean: true,
    clientId,
    keepalive,
  });

function dial(port: number): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
  });
}

describe('aedes, as the readings fast path relies on it', () => {
  it(`is the version the fast path was checked against (${CHECKED_AEDES_VERSION})`, () => {
    expect(installedAedesProblem()).toBeUndefined();
  });

  it('passes the start-up self-test the hub runs', async () => {
    expect(await selfTest()).toBeUndefined();
  });

  it('emits clientReady before it handles a PUBLISH that arrived in the same read as the CONNECT', async () => {
    const { broker, port } = await start();
    const order: string[] = [];
    broker.on('clientReady', () => order.push('clientReady'));
    broker.authorizePublish = (_c, _p, done) => {
      order.push('publish');
      done(null);
    };
    const s = await dial(port);
    s.write(
      Buffer.concat([
        connect('same-read'),
        packet({
          cmd: 'publish',
          topic: 'a/b',
          payload: 'x',
          qos: 1,
          messageId: 1,
          retain: false,
          dup: false,
        }),
      ]),
    );
    await expect.poll(() => order.length).toBe(2);
    expect(order).toEqual(['clientReady', 'publish']);
    s.destroy();
  });

  it('sets client.version to the CONNECT protocol level (4 for 3.1.1, 3 for 3.1) and refuses MQTT 5', async () => {
    const { broker, port } = await start();
    const versions: number[] = [];
    broker.on('clientReady', (c) => versions.push((c as Internal).version ?? -1));
    for (const [id, v] of [
      ['v4', 4],
      ['v3', 3],
    ] as const) {
      const s = await dial(port);
      s.write(connect(id, v));
      await expect.poll(() => versions.length).toBe(v === 4 ? 1 : 2);
      s.destroy();
    }
    expect(versions).toEqual([4, 3]);
    // an MQTT 5 client gets CONNACK "unacceptable protocol version" (return code 1) and never a client
    const s5 = await dial(port);
    const answer = new Promise<Buffer>((r) => s5.once('data', r));
    s5.write(connect('v5', 5));
    const connack = await answer;
    expect([connack[0], connack[3]]).toEqual([0x20, 0x01]);
    s5.destroy();
    expect(versions).toEqual([4, 3]);
  });

  it('keeps a refreshable keepalive timer that cuts a silent client after 1.5 × its keepalive', async () => {
    const { broker, port } = await start();
    const clients: Internal[] = [];
    const timedOut: string[] = [];
    broker.on('clientReady', (c) => clients.push(c as Internal));
    broker.on('keepaliveTimeout', (c) => timedOut.push(c.id));
    const quiet = await dial(port);
    const refreshed = await dial(port);
    quiet.write(connect('quiet', 4, 1));
    refreshed.write(connect('refreshed', 4, 1));
    await expect.poll(() => clients.length).toBe(2);
    const kept = clients.find((c) => c.id === 'refreshed') as Internal;
    // 1.5 × the keepalive (MQTT-3.1.2-24), in ms
    expect(kept._keepaliveInterval).toBeGreaterThanOrEqual(1500);
    expect(kept._keepaliveInterval).toBeLessThan(1600);
    expect(typeof kept._keepaliveTimer?.refresh).toBe('function');
    // what the fast path does for every packet it takes instead of aedes
    const refresher = setInterval(() => kept._keepaliveTimer?.refresh(), 300);
    await expect.poll(() => timedOut, { timeout: 5000 }).toContain('quiet');
    await new Promise((r) => setTimeout(r, 1000));
    expect(timedOut).not.toContain('refreshed');
    clearInterval(refresher);
    quiet.destroy();
    refreshed.destroy();
  });

  it('writes a QoS 1 PUBACK synchronously when authorizePublish calls back', async () => {
    const { broker, port } = await start();
    const seen: string[] = [];
    broker.authorizePublish = (client, p: PublishPacket, done) => {
      const conn = (client as Client).conn as unknown as { write: (...a: unknown[]) => boolean };
      const write = conn.write.bind(conn);
      conn.write = (...a: unknown[]) => {
        const chunk = a[0] as Buffer;
        if (Buffer.isBuffer(chunk) && chunk[0] === 0x40) seen.push(`puback ${p.messageId}`);
        return write(...a);
      };
      done(null);
      seen.push(`after callback ${p.messageId}`);
      conn.write = write;
    };
    const s = await dial(port);
    s.write(connect('sync-ack'));
    s.write(
      packet({ cmd: 'publish', topic: 'a/b', payload: 'x', qos: 1, messageId: 7, retain: false, dup: false }),
    );
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual(['puback 7', 'after callback 7']);
    s.destroy();
  });
});
