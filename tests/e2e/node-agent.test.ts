import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeAgent } from '../../firmware/agent/node-agent.ts';
import { NodeAgentConfig, SensorConfig } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually, rawSeries } from './agent-support.ts';

let hub: TestHub;
let agent: NodeAgent;

beforeAll(async () => {
  hub = await startTestHub({ demo: false });
});

afterAll(async () => {
  await agent?.stop();
  await hub?.stop();
});

describe('virtual board → node agent → hub → /api/series', () => {
  it('stores every sensor of the kit with its unit', async () => {
    const { secret } = await hub.addNode('e2e-house', { household: 'e2e-h' });
    const sensors = [
      { type: 'meter-pulses', id: 'meter', pin: 'D2' },
      { type: 'current-clamp', id: 'clamp', pin: 'A0' },
      { type: 'bme280', id: 'air' },
      { type: 'tmp36', id: 'room', pin: 'A1' },
    ].map((s) => SensorConfig.parse(s));
    const config = NodeAgentConfig.parse({
      node: 'e2e-house',
      secret,
      hub: hub.mqttUrl,
      // a busy household at 60× speed: a few meter pulses every second
      board: { type: 'virtual', model: { kind: 'household', seed: 3, speed: 60, electricCar: true } },
      sensors,
      queue: { dir: 'q' },
    });
    const from = Date.now() - 1000;
    agent = new NodeAgent({
      config,
      sensors,
      queueDir: mkdtempSync(join(tmpdir(), 'communs-agent-')),
      intervalMs: 1000,
    });
    await agent.start();
    const expectUnit = async (sensor: string, unit: string) => {
      const body = await eventually(() => rawSeries(hub.httpUrl, `e2e-house/${sensor}`, from));
      expect(body.unit).toBe(unit);
      return body;
    };
    await expectUnit('meter-power', 'W');
    await expectUnit('meter-energy', 'Wh');
    await expectUnit('clamp-current', 'A');
    await expectUnit('air-temperature', '°C');
    await expectUnit('air-humidity', '%');
    await expectUnit('air-pressure', 'hPa');
    const room = await expectUnit('room', '°C');
    expect(room.points.value[0]).toBeGreaterThan(5);
    expect(room.points.value[0]).toBeLessThan(35);
  });

  it('says in one line that the hub refused the credentials, once, while it keeps retrying', async () => {
    await hub.addNode('e2e-wrong', { household: 'e2e-h' });
    const sensors = [SensorConfig.parse({ type: 'ldr', id: 'light', pin: 'A0' })];
    const config = NodeAgentConfig.parse({
      node: 'e2e-wrong',
      secret: 'not-the-secret',
      hub: hub.mqttUrl,
      board: { type: 'virtual' },
      sensors,
      queue: { dir: 'q' },
    });
    const lines: string[] = [];
    const wrong = new NodeAgent({
      config,
      sensors,
      queueDir: mkdtempSync(join(tmpdir(), 'communs-agent-')),
      intervalMs: 500,
      log: (l) => lines.push(l),
    });
    await wrong.start();
    try {
      await eventually(async () => (lines.some((l) => l.includes('refused')) ? true : undefined));
      await new Promise((r) => setTimeout(r, 2500)); // a few reconnect attempts
      const refused = lines.filter((l) => l.includes('refused'));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(
        /^e2e-wrong: hub: the hub refused this node's credentials \(.*\) — check "node" and "secret" in the config .*next retry in a minute/,
      );
      expect(wrong.hubOnline).toBe(false);
    } finally {
      await wrong.stop();
    }
  });
});
