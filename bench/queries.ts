import { slowRun } from './lib/load.ts';
import { table, verdict, writeSection } from './lib/report.ts';
import { fmt, percentile } from './lib/stats.ts';
import { startHub } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

const SERIES = 200;
const CLIENTS = 20;
const SPANS = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, year: 365 * 86_400_000 };

interface Row {
  /** one client alone: the hub's service time plus a loopback round trip, no queueing */
  alone: number;
  span: string;
  kind: string;
  p50: number;
  p95: number;
  n: number;
  points: number;
  step: string;
}

/**
 * `CLIENTS` concurrent clients ask the same kind of chart for `maxMs` or `maxRequests`, whichever
 * comes first; every request times its own round trip.
 */
async function hammer(url: (i: number) => string, maxMs: number, maxRequests: number, clients = CLIENTS) {
  const latencies: number[] = [];
  let issued = 0;
  let points = 0;
  let step = '';
  const deadline = performance.now() + maxMs;
  const worker = async () => {
    while (issued < maxRequests && performance.now() < deadline) {
      const i = issued++;
      const t0 = performance.now();
      const res = await fetch(url(i));
      const body = (await res.json()) as {
        status: string;
        step?: string;
        points?: { t: number[] };
        error?: string;
      };
      latencies.push(performance.now() - t0);
      if (body.status !== 'ok') throw new Error(`${url(i)}: ${body.error}`);
      points = body.points?.t.length ?? 0;
      step = body.step ?? '';
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return { latencies, points, step };
}

export async function queriesBench(ctx: BenchContext): Promise<void> {
  ctx.log(`seeding a year of 10 s data for ${SERIES} series (documented bulk loader)`);
  const t0 = Date.now();
  const hub = await startHub({ nodes: SERIES, seedYear: true });
  const seedS = (Date.now() - t0) / 1000;
  const base = `http://127.0.0.1:${hub.httpPort}/api/series`;
  const rows: Row[] = [];
  let ingest: Promise<unknown> = Promise.resolve();
  try {
    const maxMs = ctx.quick ? 2000 : 4000;
    const maxRequests = ctx.quick ? 60 : 300;
    const total = Object.keys(SPANS).length * 2 * (maxMs + 1000) + 15_000;
    // the neighbourhood keeps publishing while residents look at charts
    ingest = slowRun(hub.target, { clients: SERIES, periodMs: 10_000, durationMs: total, nodeOf: nodeId });
    await new Promise((r) => setTimeout(r, 3000));
    for (const [span, ms] of Object.entries(SPANS)) {
      for (const kind of ['one series', 'collective power']) {
        const url = (i: number) => {
          const to = Date.now();
          const what = kind === 'one series' ? `sensor=${nodeId(i % SERIES)}/p` : 'quantity=power';
          return `${base}?${what}&from=${to - ms}&to=${to}`;
        };
        await hammer(url, 1000, CLIENTS);
        const alone = await hammer(url, maxMs, 20, 1);
        const r = await hammer(url, maxMs, maxRequests);
        rows.push({
          alone: percentile(alone.latencies, 50),
          span,
          kind,
          p50: percentile(r.latencies, 50),
          p95: percentile(r.latencies, 95),
          n: r.latencies.length,
          points: r.points,
          step: r.step,
        });
        ctx.log(
          `${span} ${kind}: p50 ${fmt(percentile(r.latencies, 50))} ms, p95 ${fmt(percentile(r.latencies, 95))} ms`,
        );
      }
    }
  } finally {
    await ingest;
    await hub.stop();
  }
  const worst = Math.max(...rows.map((r) => r.p95));
  const seeded = hub.hub?.info.seeded ?? {};
  const body = [
    `${SERIES} power series of a year of 10-second data: hour and day rollups for the whole year and`,
    'minute rollups for the last 3 days written by the bulk loader `bench/servers/seed-year.ts`, the last',
    `6 hours fed through \`ReadingsStore.commit\` (${fmt(seeded.raw ?? 0)} raw readings, ${fmt(seeded.rollups ?? 0)} bulk rollup rows;`,
    `seeded in ${fmt(seedS)} s). ${CLIENTS} concurrent HTTP clients per chart, while ${SERIES} nodes publish one`,
    'reading each every 10 s over MQTT. Step chosen by the hub (`auto`).',
    '',
    table(
      [
        'span',
        'series',
        'step',
        'points',
        '1 client p50 ms',
        `${CLIENTS} clients p50 ms`,
        'p95 ms',
        'requests',
        'p95 ≤ 50 ms',
      ],
      rows.map((r) => [
        r.span,
        r.kind,
        r.step,
        fmt(r.points),
        fmt(r.alone, 1),
        fmt(r.p50, 1),
        fmt(r.p95, 1),
        fmt(r.n),
        verdict(r.p95, 50, false),
      ]),
    ),
    '',
    `Worst p95: ${fmt(worst, 1)} ms (budget 50 ms: ${verdict(worst, 50, false)}).`,
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'queries', title: 'Queries', command: 'npm run bench -- queries', body });
}
