import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeAgent } from '../../firmware/agent/node-agent.ts';
import { NodeAgentConfig, SensorConfig } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually, rawSeries } from './agent-support.ts';

const HOUR = 3_600_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A hub whose clock is an hour behind this machine's, serving SNTP on a free port. */
async function hubBehind(): Promise<TestHub> {
  const th = await startTestHub({ now: () => Date.now() - HOUR, ntp: true });
  cleanups.push(() => th.stop());
  return th;
}

async function agentFor(th: TestHub, node: string, time: object | false): Promise<NodeAgent> {
  const { secret } = await th.addNode(node);
  const sensors = [SensorConfig.parse({ type: 'tmp36', id: 'room', pin: 'A1' })];
  const config = NodeAgentConfig.parse({
    node,
    secret,
    hub: th.mqttUrl,
    board: { type: 'virtual', model: { kind: 'indoor', seed: 2 } },
    sensors,
    queue: { dir: 'q' },
    time,
  });
  const agent = new NodeAgent({
    config,
    sensors,
    queueDir: mkdtempSync(join(tmpdir(), 'communs-agent-time-')),
    intervalMs: 300,
    log: () => {},
  });
  await agent.start();
  cleanups.push(() => agent.stop());
  return agent;
}

describe("a node agent stamps its readings with the hub's time", () => {
  it('takes the hub time over SNTP: its readings, an hour behind its own clock, are stored', async () => {
    const th = await hubBehind();
    await agentFor(th, 'clock-synced', { server: '127.0.0.1', port: th.hub.sntp?.port });
    const body = await eventually(() =>
      rawSeries(th.httpUrl, 'clock-synced/room', Date.now() - HOUR - 60_000),
    );
    const ts = body.points.t.at(-1) as number;
    // the reading carries the hub's hour, not this machine's
    expect(Math.abs(ts - (Date.now() - HOUR))).toBeLessThan(60_000);
  });

  it("without the hub time, its readings are an hour in the hub's future and refused (the check can fail)", async () => {
    const th = await hubBehind();
    await agentFor(th, 'clock-own', false);
    await eventually(async () =>
      (th.hub.store.registry.node('clock-own')?.rejected ?? 0) > 0 ? true : undefined,
    );
    const { output } = await th.run('node rejections clock-own');
    expect(output).toContain('ts_future');
  });
});
