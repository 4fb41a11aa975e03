import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { connectNode, sendMeta } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually, recordFigure, rssMb, sleep } from './support/figures.ts';
import { ResendingNode } from './support/resending-node.ts';

let th: TestHub;
const frozen: ChildProcess[] = [];
const secrets: Record<string, string> = {};

beforeAll(async () => {
  th = await startTestHub();
  for (const id of ['frz-pub', 'frz-ok']) {
    secrets[id] = (await th.addNode(id)).secret;
    const c = await connectNode(th.mqttUrl, id, secrets[id] as string);
    await sendMeta(c, id, [{ id: 'p', quantity: 'power', unit: 'W' }]);
    await c.endAsync();
  }
});
afterAll(async () => {
  for (const p of frozen) p.kill('SIGKILL');
  await th?.stop();
});

/**
 * A client that sends `bytes` and then never reads, with a 4 KB receive buffer: Node cannot set
 * SO_RCVBUF, and loopback autotuning lets the kernel absorb 32 MB, which hides a frozen reader for
 * minutes. A short Python process (Debian has python3) plays the frozen reader.
 */
function frozenClient(port: number, bytes: Buffer): ChildProcess {
  const script = [
    'import socket, sys, time',
    's = socket.socket()',
    's.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)',
    `s.connect(("127.0.0.1", ${port}))`,
    `s.sendall(bytes.fromhex("${bytes.toString('hex')}"))`,
    'print("port", s.getsockname()[1], flush=True)',
    'time.sleep(120)',
  ].join('\n');
  return spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The local port the frozen client printed: the hub sees it as the peer's port. */
function portOf(p: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
}

type AedesClients = Record<string, { conn: Writable }>;
function mqttClients(): AedesClients {
  return (th.hub.broker.aedes as unknown as { clients: AedesClients }).clients;
}

function mqttClientIds(): string[] {
  return Object.keys(mqttClients());
}

/** A socket that holds unsent bytes is not being drained by its reader. */
function blocked(w: Writable | undefined): boolean {
  return !!w && (w.writableLength > 0 || w.writableNeedDrain);
}

describe('frozen consumer', () => {
  it('an MQTT subscriber and an SSE client that stop reading are dropped within 30 s; others and ingest continue', async () => {
    const rss0 = rssMb();
    const connect = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'frz-pub:frozen',
      keepalive: 600,
      username: 'frz-pub',
      password: Buffer.from(secrets['frz-pub'] as string),
    });
    const subscribe = mqttPacket.generate({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: topics.readings('frz-pub'), qos: 0 }],
    });
    const sseListeners0 = th.hub.bus.listenerCount('reading');
    frozen.push(frozenClient(th.mqttPort, Buffer.concat([connect, subscribe])));
    const httpSockets: Socket[] = [];
    th.hub.http.server.on('connection', (sock: Socket) => httpSockets.push(sock));
    const sseProc = frozenClient(
      th.httpPort,
      Buffer.from('GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
    );
    frozen.push(sseProc);
    const ssePort = await portOf(sseProc);
    await eventually(
      () =>
        mqttClientIds().includes('frz-pub:frozen') &&
        th.hub.bus.listenerCount('reading') === sseListeners0 + 1,
      { what: 'frozen clients connected' },
    );
    let mqttDroppedAt: number | null = null;
    let sseDroppedAt: number | null = null;
    let mqttBlockedAt: number | null = null;
    let sseBlockedAt: number | null = null;
    const sseSocket = httpSockets.find((sock) => sock.remotePort === ssePort);
    // the healthy ones: an SSE reader and an MQTT subscriber that read everything
    let sseBytes = 0;
    const sseOk = await fetch(`${th.httpUrl}/api/live`);
    const reader = sseOk.body?.getReader();
    let sseOkClosed = false;
    void (async () => {
      for (;;) {
        const r = await reader?.read().catch(() => undefined);
        if (!r || r.done) break;
        sseBytes += r.value.length;
      }
      sseOkClosed = true;
    })();
    const okSub = await connectNode(th.mqttUrl, 'frz-pub', secrets['frz-pub'] as string);
    let okMessages = 0;
    okSub.on('message', () => okMessages++);
    await okSub.subscribeAsync({ [topics.readings('frz-pub')]: { qos: 0 } });
    // the load: big readings messages from frz-pub (fan out to both subscribers), and frz-ok's ingest
    const pub = new ResendingNode({
      node: 'frz-pub',
      secret: secrets['frz-pub'] as string,
      url: () => th.mqttUrl,
      window: 20,
      readingsPerMessage: 400,
    });
    const other = new ResendingNode({
      node: 'frz-ok',
      secret: secrets['frz-ok'] as string,
      url: () => th.mqttUrl,
      window: 5,
    });
    pub.start();
    other.start();
    const started = Date.now();
    let otherAckedAt10s = 0;
    let rssMax = rss0;
    // the drop is timed from the moment the hub could no longer hand the frozen reader its data
    // (the kernel's buffers, up to a few MB on loopback, take a while to fill first): blocked since
    // the last time the socket was seen drained (the kernel growing its send buffer drains it now
    // and then, slower on a busy machine)
    const since = (at: number | null, now: boolean) => (now ? (at ?? Date.now()) : null);
    while (Date.now() - started < 60_000 && (mqttDroppedAt === null || sseDroppedAt === null)) {
      if (mqttDroppedAt === null && !mqttClientIds().includes('frz-pub:frozen')) mqttDroppedAt = Date.now();
      // the healthy SSE client keeps its listener: one more than before means the frozen one is there
      if (
        sseDroppedAt === null &&
        th.hub.bus.listenerCount('reading') <= sseListeners0 + 1 &&
        Date.now() - started > 500
      )
        sseDroppedAt = Date.now();
      // after the drop checks: a socket gone this turn keeps the moment it was blocked from
      if (mqttDroppedAt === null)
        mqttBlockedAt = since(mqttBlockedAt, blocked(mqttClients()['frz-pub:frozen']?.conn));
      if (sseDroppedAt === null) sseBlockedAt = since(sseBlockedAt, blocked(sseSocket));
      if (pub.unacked < 50) pub.produce(2000);
      other.produce(20);
      await sleep(100);
      rssMax = Math.max(rssMax, rssMb());
      if (Date.now() - started < 10_000) otherAckedAt10s = other.acked.size;
    }
    const mqttDropS = ((mqttDroppedAt ?? Number.NaN) - (mqttBlockedAt ?? started)) / 1000;
    const sseDropS = ((sseDroppedAt ?? Number.NaN) - (sseBlockedAt ?? started)) / 1000;
    const fillS = ((Math.max(mqttBlockedAt ?? started, sseBlockedAt ?? started) - started) / 1000).toFixed(1);
    await pub.stop();
    await other.stop();
    await okSub.endAsync();
    const healthySseStayed = !sseOkClosed;
    await reader?.cancel().catch(() => {});
    expect(healthySseStayed).toBe(true);
    expect(mqttDropS).toBeLessThanOrEqual(30);
    expect(sseDropS).toBeLessThanOrEqual(30);
    expect(otherAckedAt10s).toBeGreaterThan(0);
    expect(okMessages).toBeGreaterThan(10);
    expect(sseBytes).toBeGreaterThan(10_000);
    recordFigure('frozen-consumer', {
      item: '6 frozen consumer',
      tried: `one raw MQTT subscriber and one SSE client stop reading while a node publishes ${pub.produced} readings (200 per message) and another node keeps publishing QoS 1`,
      lost: `nothing: the frozen MQTT subscriber was dropped ${mqttDropS.toFixed(1)} s after its socket stopped draining, the frozen SSE client ${sseDropS.toFixed(1)} s after (kernel buffers took up to ${fillS} s to fill); meanwhile the healthy subscriber got ${okMessages} messages, the healthy SSE client ${Math.round(sseBytes / 1024)} KB, the other node ${other.acked.size} readings acknowledged; memory +${(rssMax - rss0).toFixed(0)} MB peak`,
      figures: {
        mqttDropS: Number(mqttDropS.toFixed(1)),
        sseDropS: Number(sseDropS.toFixed(1)),
        published: pub.produced,
        healthyMqttMessages: okMessages,
        healthySseKb: Math.round(sseBytes / 1024),
        otherAcked: other.acked.size,
        rssGrowthMb: Number((rssMax - rss0).toFixed(1)),
      },
    });
  }, 90_000);
});
