import { Challenge } from '../../protocol/challenge.ts';
import { MAX_READINGS_PER_MESSAGE, type MetaMessage, type Reading } from '../../protocol/index.ts';
import { LocalClock } from './cost/local-time.ts';
import type { Hub } from './hub.ts';

const BACKFILL_KEY = 'demo_backfilled_at';

/**
 * What the demo neighbourhood (firmware/demo) may do to the hub: provision its households and
 * nodes, and submit its history to ingest. Nothing else: its live readings go through the real
 * broker with each node's own credentials, like any node's.
 */
export function demoHubAccess(hub: Hub) {
  const { ingest } = hub;
  const { registry, settings } = hub.store;
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
      return settings.marker(BACKFILL_KEY) !== undefined;
    },
    /** History goes the way every reading goes (IngestPipeline.submit), a message at a time. */
    async backfill(meta: MetaMessage, readings: Reading[]): Promise<void> {
      const stored: Promise<void>[] = [];
      for (let i = 0; i < readings.length; i += MAX_READINGS_PER_MESSAGE) {
        const chunk = readings.slice(i, i + MAX_READINGS_PER_MESSAGE);
        stored.push(
          new Promise<void>((resolve, reject) =>
            ingest.submit({ node: meta.node, meta: i === 0 ? meta : undefined, readings: chunk }, (err) =>
              err ? reject(err) : resolve(),
            ),
          ),
        );
      }
      await Promise.all(stored);
      settings.mark(BACKFILL_KEY, JSON.stringify(Date.now()));
    },
    /**
     * After the history: the collective figures of those weeks decided, what ingest holds folded,
     * and the write-ahead log folded back into the database file, so that a first start's writes
     * end with it and a running demo writes only what its live readings cost (docs/DATA.md).
     */
    async settle(): Promise<void> {
      while (hub.publisher.step()) await new Promise((r) => setImmediate(r));
      await hub.store.checkpoint();
      hub.store.truncateWal();
    },
    resume(node: string, sensor: string): { nextSeq: number; total?: { wh: number; at: number } } {
      const maxSeq = registry.node(node)?.max_seq;
      const s = registry.sensor(node, sensor);
      const total =
        s?.last_total != null && s.last_total_ts != null
          ? { wh: s.last_total, at: s.last_total_ts }
          : undefined;
      return { nextSeq: maxSeq == null ? 0 : maxSeq + 1, ...(total ? { total } : {}) };
    },
  };
}

/**
 * The demo's red Tempo day gets a challenge, as an admin would declare it on the console (the same
 * schema and store as `challenge add`): two hours from the hour under way, so that one is running
 * when the demo opens. Only when no challenge is set for today: an admin's own stays alone.
 */
function challengeToday(hub: Hub): void {
  const { store } = hub;
  const now = hub.ctx.now();
  const { date, minute } = new LocalClock({ timeZone: store.settings.get().timeZone }).local(now);
  if (store.challenges.between(date, date).length > 0) return;
  const hour = Math.floor(minute / 60);
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const c = Challenge.parse({
    id: `demo-${date}`,
    title: 'Défi de la démo : on lève le pied',
    date,
    from: hh(hour),
    to: hh(Math.min(hour + 2, 24)),
    targetPct: -10,
  });
  if (store.challenges.add(c, now)) hub.log(`demo: challenge ${c.id} on today's red day, ${c.from}–${c.to}`);
}

/** The demo's square measures the outdoor air for everyone: the heat and cold alerts read it, unless set. */
const DEMO_OUTDOOR = 'demo-square-air/climate-temperature';

function outdoorSensor(hub: Hub): void {
  const { settings } = hub.store;
  if (settings.get().outdoorSensor === '') settings.set('outdoorSensor', DEMO_OUTDOOR);
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
  challengeToday(hub);
  outdoorSensor(hub);
  hub.log(`demo: ${households} households and 3 shared places are publishing (demo data is marked as such)`);
  return () => demo.stop();
}
