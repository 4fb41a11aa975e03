import type { MetaMessage, Reading } from '../../protocol/index.ts';
import type { Hub } from './hub.ts';
import { type ValidReading, validateReading } from './ingest/validate.ts';

const BACKFILL_KEY = 'demo_backfilled_at';

/**
 * What the demo neighbourhood (firmware/demo) may do to the hub: provision its households and
 * nodes, and backfill history through the store's bulk path. Nothing else: its live readings go
 * through the real broker with each node's own credentials, like any node's.
 */
export function demoHubAccess(hub: Hub) {
  const { registry, db } = hub;
  return {
    ensureHousehold(h: {
      id: string;
      name: string;
      kind: 'household' | 'place';
      sharing: 'private' | 'community' | 'open';
      demo: true;
    }): void {
      if (!registry.household(h.id)) registry.addHousehold(h);
    },
    async ensureNode(n: {
      id: string;
      household: string;
      name: string;
      demo: true;
    }): Promise<{ secret: string }> {
      if (registry.node(n.id)) return { secret: await registry.rotateSecret(n.id) };
      return { secret: (await registry.addNode(n)).secret };
    },
    hasHistory(): boolean {
      return db.prepare('SELECT 1 FROM settings WHERE key = ?').get(BACKFILL_KEY) !== undefined;
    },
    backfill(meta: MetaMessage, readings: Reading[]): void {
      registry.applyMeta(meta.node, meta);
      const now = Date.now();
      const valid: ValidReading[] = [];
      const rejections = [];
      for (const r of readings) {
        const v = validateReading(meta.node, r, {
          registry,
          now,
          maxPastMs: 400 * 86_400_000,
          maxFutureMs: 60_000,
        });
        if ('reason' in v) rejections.push(v);
        else valid.push(v);
      }
      hub.store.commit([{ node: meta.node, readings: valid, rejections }]);
      db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(BACKFILL_KEY, JSON.stringify(now));
    },
  };
}

export type DemoHubAccess = ReturnType<typeof demoHubAccess>;

/** Starts the demo neighbourhood; resolves with its stop function. */
export async function startDemo(hub: Hub, households: number, mqttUrl: string): Promise<() => Promise<void>> {
  const { Demo } = await import('../../firmware/demo/demo.ts');
  const demo = new Demo({
    households,
    mqttUrl,
    dataDir: hub.opts.dataDir,
    hub: demoHubAccess(hub),
    log: (line: string) => hub.log(`demo: ${line}`),
  });
  await demo.start();
  hub.log(`demo: ${households} households and 3 shared places are publishing (demo data is marked as such)`);
  return () => demo.stop();
}
