import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MqttLink } from '../../firmware/agent/mqtt-link.ts';
import { NodeAgent } from '../../firmware/agent/node-agent.ts';
import { AvrBoard } from '../../firmware/sim/avr-board.ts';
import { NodeAgentConfig, type NodeInfo, type NodesBody, SensorConfig } from '../../protocol/index.ts';
import { until } from '../support/interop-client.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { AvrTransport } from './support/avr-transport.ts';
import { standardFirmataHex } from './support/standard-firmata.ts';

async function nodeInfo(th: TestHub, id: string): Promise<NodeInfo | undefined> {
  const body = (await (await fetch(`${th.httpUrl}/api/nodes`)).json()) as NodesBody;
  return body.nodes.find((n) => n.id === id);
}

/**
 * The node agent explains itself: which sensors a board's firmware cannot serve and how to fix it,
 * what the firmware itself complains about, and a wrong secret, each in one line; and the hub learns
 * the firmware as soon as the board has answered.
 */
describe('the node agent says what is wrong, once', () => {
  let th: TestHub;
  const stops: Array<() => Promise<void>> = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    th = await startTestHub();
  });
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
  });
  afterAll(async () => {
    await th.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** An agent on a simulated Uno running `hex` (our image by default), as if on /dev/ttyUSB7. */
  async function agentOn(node: string, sensors: object[], hex?: string) {
    const { secret } = await th.addNode(node);
    const dir = mkdtempSync(join(tmpdir(), 'communs-explain-'));
    dirs.push(dir);
    const lines: string[] = [];
    const parsed = sensors.map((s) => SensorConfig.parse(s));
    const agent = new NodeAgent({
      config: NodeAgentConfig.parse({
        node,
        secret,
        hub: th.mqttUrl,
        board: { type: 'serial', path: '/dev/ttyUSB7' },
        sensors: parsed,
        queue: { dir },
      }),
      sensors: parsed,
      queueDir: dir,
      intervalMs: 1000,
      statusEveryMs: 1000,
      createTransport: () => new AvrTransport(new AvrBoard({ realtime: true, ...(hex ? { hex } : {}) })),
      log: (l) => lines.push(l),
    });
    await agent.start();
    stops.push(() => agent.stop());
    return { agent, lines };
  }

  it('on stock StandardFirmata: names the sensors that need the Communs firmware and how to flash it; the others run', async (ctx) => {
    const stock = await standardFirmataHex();
    if ('skip' in stock) return ctx.skip(stock.skip);
    const { lines } = await agentOn(
      'stock-1',
      [
        { type: 'meter-pulses', id: 'meter', pin: 'D2' },
        { type: 'current-clamp', id: 'clamp', pin: 'A0' },
        { type: 'tmp36', id: 'room', pin: 'A1' },
      ],
      stock.hex,
    );
    const line = await until(() => lines.find((l) => l.includes('StandardFirmata')), 40_000);
    expect(line).toMatch(/meter.*clamp|clamp.*meter/);
    expect(line).toContain('communs flash --port /dev/ttyUSB7');
    expect(line).not.toContain('room');
    expect(lines.filter((l) => l.includes('StandardFirmata'))).toHaveLength(1);
    // the meta the hub keeps names the firmware the board reported, once it answered
    await until(
      () => th.hub.store.registry.node('stock-1')?.firmware?.startsWith('StandardFirmata') || undefined,
      20_000,
    );
    // the analog sensor needs nothing of ours: its readings arrive
    await until(async () => (await nodeInfo(th, 'stock-1'))?.accepted || undefined, 20_000);
  }, 90_000);

  it("on our firmware: no such line, the firmware's version in meta, and its own messages logged and counted on the node", async () => {
    // a BME280 that is not there: the firmware answers the I2C read with a STRING_DATA message
    // and a light sensor wired to A6, which an Uno does not have (no kit says it is an Uno)
    const { lines } = await agentOn('ours-1', [
      { type: 'bme280', id: 'air' },
      { type: 'ldr', id: 'attic', pin: 'A6' },
    ]);
    const said = await until(() => lines.find((l) => l.includes('i2c: no answer from device')), 40_000);
    expect(said).toMatch(/firmware says/);
    await until(
      () => th.hub.store.registry.node('ours-1')?.firmware?.startsWith('communs-firmata') || undefined,
      20_000,
    );
    const n = await until(async () => {
      const info = await nodeInfo(th, 'ours-1');
      return info?.boardMessages && info.boardMessages.count > 0 ? info : undefined;
    }, 20_000);
    expect(n.boardMessages?.last).toContain('i2c: no answer from device');
    expect(lines.some((l) => l.includes('Communs firmware'))).toBe(false);
    expect(lines.find((l) => l.includes('attic'))).toMatch(/has no A6 \(its analog pins are A0-A5\)/);
    expect(lines.some((l) => l.includes('TypeError'))).toBe(false);
  }, 90_000);

  it('a wrong secret: one line that says so, no "not reachable", and no hammering of the hub', async () => {
    await th.addNode('wrong-1');
    const lines: string[] = [];
    const before = th.hub.broker.counters.connections;
    const link = new MqttLink({
      url: th.mqttUrl,
      node: 'wrong-1',
      secret: 'not-the-secret',
      meta: () => ({ node: 'wrong-1', board: 'test', sensors: [] }),
      status: () => ({ state: 'online' }),
      // generous: the refusal waits for a scrypt check (one at a time), which a loaded machine slows;
      // what this test looks at is the lines, not that wait
      connectTimeoutMs: 60_000,
      log: (l) => lines.push(l),
    });
    link.start();
    stops.push(() => link.stop());
    // the refusal comes after the password check (scrypt, one at a time), then a while with no retry
    const until = Date.now() + 60_000;
    while (lines.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 3000));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refused this node's credentials.*"secret"/);
    expect(lines[0]).toMatch(/retry/);
    expect(th.hub.broker.counters.connections - before).toBe(1);
  }, 90_000);
});
