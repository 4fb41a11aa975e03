import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { slowRun } from './lib/load.ts';
import { table, verdict, writeSection } from './lib/report.ts';
import { fmt, percentile } from './lib/stats.ts';
import { startHub } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

const SERIES = 200;
const CLIENTS = 20;
/** p95 budgets, ms: the day chart of one series is what a resident opens most */
const BUDGET_DAY_SERIES = 25;
const BUDGET = 50;
/** read workers compared on the day chart of one series (the hub's default is 1) */
const WORKER_COUNTS = [0, 1, 2];
/** the paced measure: each of the CLIENTS residents asks for a day chart this often */
const PACED_EVERY_MS = 1000;
const SPANS = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, year: 365 * 86_400_000 };

function budgetOf(span: string, kind: string): number {
  return span === 'day' && kind === 'one series' ? BUDGET_DAY_SERIES : BUDGET;
}

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
  /** the last answer: its content coding, its JSON and what went over the wire, bytes */
  coding: string;
  bytes: number;
  wireBytes: number;
}

/** What Chromium asks for with every request: the hub answers JSON in brotli (hub/src/http/respond.ts). */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/**
 * One GET through a keep-alive agent, resolved once the whole body arrived, with the
 * Accept-Encoding of a browser; the body is decoded after the run. node:http rather than fetch:
 * the load generator shares the 2 cores with the hub, and fetch cost it ~1.7 ms of CPU a request
 * (0.9 ms with node:http), which showed up as hub latency.
 */
function get(url: string, agent: http.Agent): Promise<{ status: number; body: Buffer; coding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'accept-encoding': BROWSER_ACCEPT_ENCODING } }, (res) => {
        const chunks: Buffer[] = [];
        const coding = res.headers['content-encoding'] ?? '';
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), coding }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function decoded(res: { body: Buffer; coding: string }): string {
  if (res.coding === 'br') return zlib.brotliDecompressSync(res.body).toString();
  if (res.coding === 'gzip') return zlib.gunzipSync(res.body).toString();
  return res.body.toString();
}

/**
 * `CLIENTS` concurrent clients ask the same kind of chart for `maxMs` or `maxRequests`, whichever
 * comes first; every request times its own round trip, up to the last byte of the body. Bodies are
 * parsed after the run (one per chart: step and points): a resident's browser parses on its own
 * machine, not on the hub's.
 */
async function hammer(url: (i: number) => string, maxMs: number, maxRequests: number, clients = CLIENTS) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let issued = 0;
  let last: { body: Buffer; coding: string } | undefined;
  const deadline = performance.now() + maxMs;
  const worker = async () => {
    while (issued < maxRequests && performance.now() < deadline) {
      const i = issued++;
      const t0 = performance.now();
      const res = await get(url(i), agent);
      latencies.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${url(i)}: ${res.status} ${decoded(res).slice(0, 200)}`);
      last = res;
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, worker));
  } finally {
    agent.destroy();
  }
  const text = last ? decoded(last) : '{}';
  const body = JSON.parse(text) as {
    status?: string;
    step?: string;
    points?: { t: number[] };
  };
  if (body.status !== 'ok') throw new Error(`not ok: ${text.slice(0, 200)}`);
  return {
    latencies,
    points: body.points?.t.length ?? 0,
    step: body.step ?? '',
    coding: last?.coding || 'identity',
    wireBytes: last?.body.length ?? 0,
    bytes: Buffer.byteLength(text),
  };
}

/**
 * `clients` residents who each ask for a chart every `everyMs`, whether or not their last answer
 * came (an open loop), for `durationMs`: each request is timed from when it was due, so a late send
 * counts against the hub rather than hiding (coordinated omission).
 */
async function paced(url: (i: number) => string, clients: number, everyMs: number, durationMs: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let issued = 0;
  const t0 = performance.now() + 100;
  const resident = async (c: number) => {
    const answers: Promise<void>[] = [];
    for (let due = t0 + (c / clients) * everyMs; due < t0 + durationMs; due += everyMs) {
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const i = issued++;
      answers.push(
        get(url(i), agent).then((res) => {
          latencies.push(performance.now() - due);
          if (res.status !== 200) throw new Error(`${url(i)}: ${res.status} ${decoded(res).slice(0, 200)}`);
        }),
      );
    }
    await Promise.all(answers);
  };
  try {
    await Promise.all(Array.from({ length: clients }, (_, c) => resident(c)));
  } finally {
    agent.destroy();
  }
  return latencies;
}

/**
 * Waits for the hub's first automatic backup (5 s after start, the whole database: ~150 MB here,
 * seconds of 256-page steps on the hub's thread). It runs once a day; measured alongside, it
 * decided the day charts' figures.
 */
async function firstBackup(dataDir: string, timeoutMs = 300_000): Promise<void> {
  const dir = path.join(dataDir, 'backups');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^auto-.*\.db$/.test(f));
    if (done) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no automatic backup in ${dir} after ${timeoutMs / 1000} s`);
}

/** The charts of one hub (a year seeded for SERIES series) under ingest, `kinds` by `spans`. */
async function measureHub(
  ctx: BenchContext,
  readWorkers: number,
  spans: readonly (keyof typeof SPANS)[],
  kinds: readonly string[],
): Promise<{
  rows: Row[];
  pacedDay: number[];
  seedS: number;
  backupS: number;
  seeded: Record<string, number>;
}> {
  ctx.log(
    `seeding a year of 10 s data for ${SERIES} series (documented bulk loader), ${readWorkers} read worker(s)`,
  );
  const t0 = Date.now();
  const hub = await startHub({ nodes: SERIES, seedYear: true, readWorkers });
  const seedS = (Date.now() - t0) / 1000;
  const base = `http://127.0.0.1:${hub.httpPort}/api/series`;
  const rows: Row[] = [];
  let pacedDay: number[] = [];
  let ingest: Promise<unknown> = Promise.resolve();
  let backupS = 0;
  try {
    const maxMs = ctx.quick ? 2000 : 4000;
    const maxRequests = ctx.quick ? 60 : 300;
    const pacedMs = ctx.quick ? 5000 : 20_000;
    // the closed loops, then the paced day chart, all under ingest
    const total = spans.length * kinds.length * (2 * maxMs + 1000) + pacedMs + 15_000;
    ctx.log("waiting for the hub's first automatic backup");
    const b0 = Date.now();
    await firstBackup(hub.hub?.info.dataDir ?? '');
    backupS = (Date.now() - b0) / 1000;
    // the neighbourhood keeps publishing while residents look at charts
    ingest = slowRun(hub.target, { clients: SERIES, periodMs: 10_000, durationMs: total, nodeOf: nodeId });
    await new Promise((r) => setTimeout(r, 3000));
    for (const span of spans) {
      const ms = SPANS[span];
      for (const kind of kinds) {
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
          coding: r.coding,
          bytes: r.bytes,
          wireBytes: r.wireBytes,
        });
        ctx.log(
          `${readWorkers} worker(s), ${span} ${kind}: p50 ${fmt(percentile(r.latencies, 50))} ms, p95 ${fmt(percentile(r.latencies, 95))} ms`,
        );
      }
    }
    if (spans.includes('day') && kinds.includes('one series')) {
      const to = () => Date.now();
      pacedDay = await paced(
        (i) => `${base}?sensor=${nodeId(i % SERIES)}/p&from=${to() - SPANS.day}&to=${to()}`,
        CLIENTS,
        PACED_EVERY_MS,
        pacedMs,
      );
      ctx.log(
        `${readWorkers} worker(s), day one series, paced: p50 ${fmt(percentile(pacedDay, 50))} ms, p95 ${fmt(percentile(pacedDay, 95))} ms`,
      );
    }
  } finally {
    await ingest;
    await hub.stop();
  }
  return { rows, pacedDay, seedS, backupS, seeded: hub.hub?.info.seeded ?? {} };
}

export async function queriesBench(ctx: BenchContext): Promise<void> {
  const spans = Object.keys(SPANS) as (keyof typeof SPANS)[];
  const main = await measureHub(ctx, 1, spans, ['one series', 'collective power']);
  const { rows, pacedDay, seedS, backupS, seeded } = main;
  // the day chart of one series with other numbers of read workers
  const byWorkers: [number, Row][] = [];
  for (const n of WORKER_COUNTS) {
    const row =
      n === 1
        ? rows.find((r) => r.span === 'day' && r.kind === 'one series')
        : (await measureHub(ctx, n, ['day'], ['one series'])).rows[0];
    if (row) byWorkers.push([n, row]);
  }
  const daySeries = rows.find((r) => r.span === 'day' && r.kind === 'one series');
  const worst = Math.max(...rows.filter((r) => budgetOf(r.span, r.kind) === BUDGET).map((r) => r.p95));
  const body = [
    `${SERIES} power series of a year of 10-second data: hour and day rollups for the whole year and`,
    'minute rollups for the last 3 days written by the bulk loader `bench/servers/seed-year.ts`, the last',
    `6 hours fed through \`ReadingsStore.commit\` (${fmt(seeded.raw ?? 0)} raw readings, ${fmt(seeded.rollups ?? 0)} bulk rollup rows;`,
    `seeded in ${fmt(seedS)} s). ${CLIENTS} concurrent HTTP clients per chart (node:http, keep-alive, a browser's`,
    `\`Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}\`; timed to the last byte of the body, decoded after the run), while`,
    `${SERIES} nodes publish one reading each every 10 s over MQTT. Step chosen by`,
    `the hub (\`auto\`), one read worker (the default). Measured after the hub's first automatic backup`,
    `(${fmt(backupS)} s from the first check; it runs once a day). Collective figures are those the privacy`,
    'publisher decided (docs/PRIVACY.md): bulk-loaded hours and days without minutes under them have none.',
    '',
    table(
      [
        'span',
        'series',
        'step',
        'points',
        'JSON KB (sent)',
        '1 client p50 ms',
        `${CLIENTS} clients p50 ms`,
        'p95 ms',
        'requests',
        'budget',
      ],
      rows.map((r) => [
        r.span,
        r.kind,
        r.step,
        fmt(r.points),
        `${fmt(r.bytes / 1000)} (${r.coding} ${fmt(r.wireBytes / 1000)})`,
        fmt(r.alone, 1),
        fmt(r.p50, 1),
        fmt(r.p95, 1),
        fmt(r.n),
        `≤ ${budgetOf(r.span, r.kind)} ms: ${verdict(r.p95, budgetOf(r.span, r.kind), false)}`,
      ]),
    ),
    '',
    `The day chart of one series: p95 ${fmt(daySeries?.p95 ?? Number.NaN, 1)} ms (budget ${BUDGET_DAY_SERIES} ms: ${verdict(daySeries?.p95 ?? Number.POSITIVE_INFINITY, BUDGET_DAY_SERIES, false)}); worst p95 of the others ${fmt(worst, 1)} ms (budget ${BUDGET} ms: ${verdict(worst, BUDGET, false)}).`,
    '',
    `At a resident's pace instead of a closed loop: the same ${CLIENTS} clients each asking the day chart of one series once every ${PACED_EVERY_MS / 1000} s (${fmt(CLIENTS / (PACED_EVERY_MS / 1000))} requests/s, an open loop timed from when each request was due): p50 ${fmt(percentile(pacedDay, 50), 1)} ms, p95 ${fmt(percentile(pacedDay, 95), 1)} ms over ${fmt(pacedDay.length)} requests. The budget's verdict above is the closed loop's: ${CLIENTS} requests always in the machine.`,
    '',
    `The day chart of one series by read workers (\`--read-workers N\`; 0: on the hub's thread), each on a freshly seeded hub:`,
    '',
    table(
      ['read workers', '1 client p50 ms', `${CLIENTS} clients p50 ms`, 'p95 ms', 'requests'],
      byWorkers.map(([n, r]) => [String(n), fmt(r.alone, 1), fmt(r.p50, 1), fmt(r.p95, 1), fmt(r.n)]),
    ),
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'queries', title: 'Queries', command: 'npm run bench -- queries', body });
}
