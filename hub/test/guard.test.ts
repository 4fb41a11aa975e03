import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNode } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
}

/** An MQTT fixed header for `type` announcing `length` bytes to follow (MQTT 3.1.1 §2.2.3). */
function header(type: number, length: number): Buffer {
  const bytes = [type << 4];
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

describe('guard in front of aedes', () => {
  let th: TestHub;
  let secret: string;
  beforeAll(async () => {
    th = await startTestHub();
    secret = (await th.addNode('guarded')).secret;
  });
  afterAll(() => th.stop());

  it('cuts a connection announcing a 200 MB packet before CONNECT, without buffering it', async () => {
    const s = await rawSocket(th.mqttPort);
    s.write(header(1, 200 * 1024 * 1024));
    s.write(Buffer.alloc(64 * 1024, 1));
    await closed(s);
    expect(th.hub.broker.counters.guardRejections).toBeGreaterThan(0);
  });

  it('cuts a connected client that sends a packet over 64 KiB', async () => {
    const c = await connectNode(th.mqttUrl, 'guarded', secret);
    const gone = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('communs/v1/nodes/guarded/readings', Buffer.alloc(100 * 1024, 0x20), { qos: 0 });
    await gone;
    c.end(true);
  });

  it('cuts a first packet that is not CONNECT, and a malformed remaining length', async () => {
    const a = await rawSocket(th.mqttPort);
    a.write(Buffer.from([0xc0, 0x00])); // PINGREQ before CONNECT (MQTT-3.1.0-1)
    await closed(a);
    const b = await rawSocket(th.mqttPort);
    b.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01])); // 5 length bytes
    await closed(b);
  });

  it('a flood of idle pre-CONNECT sockets is cut off by the connect timeout without memory growth', async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const sockets = await Promise.all(Array.from({ length: 300 }, () => rawSocket(th.mqttPort)));
    for (const s of sockets) s.write(header(1, 10)); // a CONNECT header that never completes
    const all = Promise.all(sockets.map(closed));
    await all;
    global.gc?.();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(30 * 1024 * 1024);
    // the hub still serves a legitimate node afterwards
    const c = await connectNode(th.mqttUrl, 'guarded', secret);
    expect(c.connected).toBe(true);
    await c.endAsync();
  }, 40_000);
});
