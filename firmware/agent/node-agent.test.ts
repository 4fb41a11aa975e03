import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeAgentConfig, type Reading, SensorConfig, VirtualModel } from '../../protocol/index.ts';
import { meterWire } from '../virtual/meters/meter-wire.ts';
import { tempoHistoricFields, ticFrame } from '../virtual/meters/tic-compose.ts';
import { VirtualBoard } from '../virtual/virtual-board.ts';
import { NodeAgent } from './node-agent.ts';

interface Heard {
  topic: string;
  body: { readings?: Reading[]; sensors?: Array<{ id: string }>; state?: string };
}

/** A real broker on a free loopback port, with a subscriber that records every node message. */
async function brokerWithEar(opts: { holdFirstStatusMs?: number } = {}) {
  let held = false;
  const broker = await Aedes.createBroker({
    // a hub busy elsewhere: the status the node announces itself with is acknowledged late
    authorizePublish: (_client, packet, done) => {
      if (opts.holdFirstStatusMs && !held && packet.topic.endsWith('/status')) {
        held = true;
        setTimeout(() => done(null), opts.holdFirstStatusMs);
      } else done(null);
    },
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    broker.handle(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const heard: Heard[] = [];
  const ear = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'ear' });
  await ear.subscribeAsync('communs/v1/nodes/#', { qos: 1 });
  ear.on('message', (topic, payload) => heard.push({ topic, body: JSON.parse(payload.toString()) }));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    heard,
    /** cuts every connection but the ear's, as a broker restart would */
    dropNodes: () => {
      for (const s of sockets) if (s !== [...sockets][0]) s.destroy();
    },
    close: async () => {
      await ear.endAsync();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HOUSE = [
  { type: 'meter-pulses', id: 'meter', pin: 'D2' },
  { type: 'sht31', id: 'air' },
];

async function setup(wired: object[] = HOUSE, model: object = {}) {
  const broker = await brokerWithEar();
  cleanups.push(broker.close);
  const sensors = wired.map((s) => SensorConfig.parse(s));
  const config = NodeAgentConfig.parse({
    node: 'unit-node',
    secret: 'x',
    hub: broker.url,
    board: { type: 'virtual' },
    sensors,
    queue: { dir: 'q' },
  });
  const boards: VirtualBoard[] = [];
  const agent = new NodeAgent({
    config,
    sensors,
    queueDir: mkdtempSync(join(tmpdir(), 'communs-agent-unit-')),
    intervalMs: 100,
    sleep: async () => {},
    createTransport: () => {
      const b = new VirtualBoard({
        model: VirtualModel.parse({ speed: 600, seed: 8, ...model }),
        sensors,
        tickMs: 100,
      });
      boards.push(b);
      return b;
    },
  });
  await agent.start();
  cleanups.push(() => agent.stop());
  const readings = () =>
    broker.heard.filter((h) => h.topic.endsWith('/readings')).flatMap((h) => h.body.readings ?? []);
  const metas = () => broker.heard.filter((h) => h.topic.endsWith('/meta'));
  return { broker, agent, boards, readings, metas };
}

describe('node agent', () => {
  it('publishes its meta before any reading, declaring every sensor it reads', async () => {
    const { broker, readings } = await setup();
    await until(() => readings().some((r) => r.sensor === 'meter-power'));
    const firstReadings = broker.heard.findIndex((h) => h.topic.endsWith('/readings'));
    const firstMeta = broker.heard.findIndex((h) => h.topic.endsWith('/meta'));
    expect(firstMeta).toBeGreaterThanOrEqual(0);
    expect(firstMeta).toBeLessThan(firstReadings);
    const declared = new Set(broker.heard[firstMeta]?.body.sensors?.map((s) => s.id));
    expect(new Set(readings().map((r) => r.sensor))).toEqual(declared);
  });

  it('reconnects to an unplugged board and keeps one unbroken sequence', async () => {
    const { agent, boards, readings } = await setup();
    await until(() => readings().length > 10);
    boards[0]?.unplug();
    await until(() => !agent.boardConnected);
    await until(() => boards.length >= 2 && agent.boardConnected);
    const after = readings().length;
    await until(() => readings().length > after + 10);
    const seqs = readings().map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });

  it('announces itself again after the broker drops it, then carries on from its queue', async () => {
    const { broker, agent, metas, readings } = await setup();
    await until(() => readings().length > 5);
    broker.dropNodes();
    await until(() => metas().length >= 2);
    const after = readings().length;
    await until(() => readings().length > after + 5 && agent.backlog.queued < 10);
    const seqs = [...new Set(readings().map((r) => r.seq))].sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });

  it.each(['pms5003', 'sds011'])('publishes PM2.5 and PM10 from an %s on a virtual board', async (type) => {
    const dust = { type, id: 'dust', rxPin: 'D8', txPin: 'D9' };
    const { readings } = await setup([dust, { type: 'sht31', id: 'weather' }], { kind: 'outdoor' });
    await until(() => ['dust-pm25', 'dust-pm10'].every((id) => readings().some((r) => r.sensor === id)));
    for (const r of readings().filter((x) => x.sensor.startsWith('dust-'))) {
      expect(r.unit).toBe('µg/m³');
      expect(r.value).toBeGreaterThan(0);
      expect(r.value).toBeLessThan(200);
    }
  });
});

describe('node agent on a meter', () => {
  it('a Tempo colour the meter tells while the node is announcing itself goes out at once, not a minute later', async () => {
    const broker = await brokerWithEar({ holdFirstStatusMs: 1500 });
    cleanups.push(broker.close);
    // no such command: the wire is an in-process stream, as without socat
    const wire = await meterWire('tempo-node', 'communs-no-such-socat');
    cleanups.push(() => wire.close());
    const config = NodeAgentConfig.parse({
      node: 'tempo-node',
      secret: 'x',
      hub: broker.url,
      board: { type: 'tic', path: '(in-process)', mode: 'historique' },
      queue: { dir: 'q' },
    });
    const agent = new NodeAgent({
      config,
      sensors: [],
      intervalMs: 500,
      statusEveryMs: 60_000,
      ...(wire.open ? { openMeterPort: wire.open } : {}),
    });
    await agent.start();
    cleanups.push(() => agent.stop());
    // the meta is in, the status it announces itself with not acknowledged yet: the meter speaks now
    await until(() => broker.heard.some((h) => h.topic.endsWith('/meta')), 5_000);
    const frame = ticFrame(
      'historique',
      tempoHistoricFields({ ptec: 'HPJR', demain: 'ROUG', hpjw: 1_800_000 }),
    );
    const red = () =>
      broker.heard.some(
        (h) =>
          h.topic.endsWith('/status') &&
          (h.body as { meter?: { tempoToday?: string } }).meter?.tempoToday === 'red',
      );
    const end = Date.now() + 6_000;
    while (!red() && Date.now() < end) {
      wire.write(frame);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(red()).toBe(true);
  });
});
