import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../firmware/agent/config-loader.ts';
import { NodeAgent } from '../../firmware/agent/node-agent.ts';
import { ticFrame } from '../../firmware/virtual/meters/tic-compose.ts';
import type { NodesBody } from '../../protocol/index.ts';
import { meterLine } from '../../tests/support/meter-line.ts';
import { getJson } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { kitPath, listKitIds, readKit } from '../kit-files.ts';

const kits = await Promise.all((await listKitIds()).map(readKit));
const ids = kits.filter((k) => !k.meter).map((k) => k.id);
const meterIds = kits.filter((k) => k.meter === 'tic').map((k) => k.id);
let th: TestHub;
beforeAll(async () => {
  th = await startTestHub();
});
afterAll(async () => {
  await th.stop();
});

/**
 * The promise of the kits: the kit.json people wire from is the config the agent runs. Each kit runs
 * through the real loader, the real node agent on a virtual board, and a real hub.
 */
describe.each(ids)('kit %s end to end on a virtual board', (id) => {
  it('publishes readings from every sensor of the kit to a real hub, none rejected', async () => {
    const node = `kit-${id}`;
    const { secret } = await th.addNode(node);
    const dir = await mkdtemp(join(tmpdir(), `communs-kit-e2e-${id}-`));
    const file = join(dir, 'node.json');
    const kind = id === 'outdoor-air' ? 'outdoor' : id === 'indoor-climate' ? 'indoor' : 'household';
    await writeFile(
      file,
      JSON.stringify({
        node,
        secret,
        hub: th.mqttUrl,
        board: { type: 'virtual', model: { kind, speed: 60 } },
        kit: kitPath(id),
        queue: { dir: 'queue' },
      }),
    );
    const loaded = await loadNodeConfig(file);
    // the hub names each series <sensor>-<quantity>: "meter-energy", "dust-pm25"
    const missing = (n: NodesBody['nodes'][number]) =>
      loaded.sensors.map((s) => s.id).filter((sid) => !n.sensors.some((x) => x.id.startsWith(`${sid}-`)));
    const agent = new NodeAgent({ ...loaded, intervalMs: 200, log: () => {} });
    await agent.start();
    try {
      const deadline = Date.now() + 20_000;
      let info: NodesBody['nodes'][number] | undefined;
      while (Date.now() < deadline) {
        const { body } = await getJson<NodesBody>(`${th.httpUrl}/api/nodes`);
        info = body.nodes.find((n) => n.id === node);
        if (info && info.accepted > 0 && missing(info).length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(info?.accepted, JSON.stringify(info)).toBeGreaterThan(0);
      expect(info?.rejected).toBe(0);
      expect(info && missing(info), 'kit sensors the hub never heard of').toEqual([]);
    } finally {
      await agent.stop();
    }
  });
});

/** A meter kit: the same loader and agent, its adapter a pseudo-terminal fed with TIC frames. */
describe.each(meterIds)('kit %s end to end on a pseudo-terminal', (id) => {
  it('publishes what the meter sends to a real hub, none rejected', async () => {
    const node = `kit-${id}`;
    const { secret } = await th.addNode(node);
    const dir = await mkdtemp(join(tmpdir(), `communs-kit-e2e-${id}-`));
    const line = await meterLine(dir);
    const file = join(dir, 'node.json');
    await writeFile(
      file,
      JSON.stringify({
        node,
        secret,
        hub: th.mqttUrl,
        board: { type: 'tic', path: line.agentEnd },
        kit: kitPath(id),
        queue: { dir: 'queue' },
      }),
    );
    const loaded = await loadNodeConfig(file);
    const agent = new NodeAgent({ ...loaded, intervalMs: 200, log: () => {} });
    await agent.start();
    try {
      const frame = (hchp: number) =>
        ticFrame('historique', [
          ['OPTARIF', 'HC..'],
          ['ISOUSC', '30'],
          ['HCHC', '001000000'],
          ['HCHP', String(hchp).padStart(9, '0')],
          ['PTEC', 'HP..'],
          ['IINST', '003'],
          ['PAPP', '00690'],
        ]);
      const deadline = Date.now() + 20_000;
      let info: NodesBody['nodes'][number] | undefined;
      for (let i = 0; Date.now() < deadline; i++) {
        await line.write(frame(2_000_000 + i));
        await new Promise((r) => setTimeout(r, 300));
        const { body } = await getJson<NodesBody>(`${th.httpUrl}/api/nodes`);
        info = body.nodes.find((n) => n.id === node);
        if (info && info.accepted > 0 && info.sensors.some((s) => s.id === 'apparent-power')) break;
      }
      expect(info?.accepted, JSON.stringify(info)).toBeGreaterThan(0);
      expect(info?.rejected).toBe(0);
      expect(info?.sensors.map((s) => s.id)).toEqual(
        expect.arrayContaining(['hchc', 'hchp', 'apparent-power']),
      );
      expect(info?.board).toBe('linky');
      expect(info?.powerW).toBe(loaded.powerW);
    } finally {
      await agent.stop();
      await line.close();
    }
  });
});
