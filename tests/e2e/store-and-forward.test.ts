import { mkdtempSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeAgent } from '../../firmware/agent/node-agent.ts';
import { NodeAgentConfig, type NodesBody, SensorConfig } from '../../protocol/index.ts';
import { getJson } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually, rawSeries } from './agent-support.ts';

/**
 * The agent reaches the hub through a loopback TCP relay that the test points at whichever hub is
 * up, so the hub can be really stopped for a while and come back on another port, the way a hub
 * machine that reboots looks to its nodes.
 */
function relay(): { server: Server; port: () => number; target: { port: number | undefined } } {
  const target: { port: number | undefined } = { port: undefined };
  const server = createServer((client) => {
    if (target.port === undefined) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(target.port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  server.listen(0, '127.0.0.1');
  const port = () => {
    const a = server.address();
    return typeof a === 'object' && a ? a.port : 0;
  };
  return { server, port, target };
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('store-and-forward', () => {
  it('keeps producing while the hub is down and replays without a sequence gap', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'communs-saf-'));
    let hub: TestHub = await startTestHub({ dataDir, demo: false });
    const r = relay();
    await new Promise((res) => r.server.once('listening', res));
    cleanups.push(async () => void r.server.close());
    r.target.port = hub.mqttPort;
    const { secret } = await hub.addNode('saf-node', { household: 'saf-h' });
    const sensors = [SensorConfig.parse({ type: 'meter-pulses', id: 'meter', pin: 'D2' })];
    const config = NodeAgentConfig.parse({
      node: 'saf-node',
      secret,
      hub: `mqtt://127.0.0.1:${r.port()}`,
      board: { type: 'virtual', model: { kind: 'household', seed: 5, speed: 120 } },
      sensors,
      queue: { dir: 'q' },
    });
    const agent = new NodeAgent({
      config,
      sensors,
      queueDir: mkdtempSync(join(tmpdir(), 'communs-saf-q-')),
      intervalMs: 250,
    });
    const from = Date.now() - 1000;
    await agent.start();
    cleanups.push(() => agent.stop());
    await eventually(() => rawSeries(hub.httpUrl, 'saf-node/meter-energy', from));

    // the hub goes away: readings pile up in the agent's queue
    r.target.port = undefined;
    await hub.stopKeepData();
    const downAt = Date.now();
    await eventually(async () => (agent.backlog.queued >= 20 ? true : undefined));
    const upAt = Date.now();

    hub = await startTestHub({ dataDir, demo: false });
    cleanups.push(() => hub.stop());
    r.target.port = hub.mqttPort;
    await eventually(async () => (agent.backlog.queued === 0 && agent.hubOnline ? true : undefined));
    await agent.stop();

    const { body } = await getJson<NodesBody>(`${hub.httpUrl}/api/nodes`);
    const node = body.nodes.find((n) => n.id === 'saf-node');
    expect(node?.gaps).toBe(0);
    expect(node?.rejectedByReason.unknown_sensor ?? 0).toBe(0);
    const energy = await rawSeries(hub.httpUrl, 'saf-node/meter-energy', from);
    const during = energy?.points.t.filter((t) => t > downAt && t < upAt) ?? [];
    // produced during the outage, stored with their original timestamps
    expect(during.length).toBeGreaterThanOrEqual(10);
    expect(agent.backlog.dropped).toBe(0);
  });
});
