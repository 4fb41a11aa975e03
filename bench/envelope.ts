import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDb } from '../hub/src/store/db.ts';
import { Browser, runResident, runScreen, Traffic } from './lib/browsing.ts';
import { type CgroupLimits, CgroupPair } from './lib/cgroup.ts';
import { SHIPPED } from './lib/child.ts';
import { envelopeReport, type LoopDelay, type Outcome } from './lib/envelope-report.ts';
import { slowRun } from './lib/load.ts';
import { runDelayMs, sampleProc } from './lib/proc.ts';
import { ROOT, writeSection } from './lib/report.ts';
import { fmt } from './lib/stats.ts';
import { startHub } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId, provisionMeters, provisionNodes } from './servers/provision.ts';
import { seedYear } from './servers/seed-year.ts';

const HOUSEHOLDS = 200;
const RESIDENTS = 5;
/**
 * A Raspberry Pi Zero 2 W's hub, roughly: a tenth of one core, 256 MiB. The weight of a hundred
 * ordinary processes makes that tenth the hub's on a shared machine too, as a Pi's would be; the
 * quota keeps it from taking more.
 */
const LIMITS: CgroupLimits = {
  cpuQuotaUs: 10_000,
  cpuPeriodUs: 100_000,
  cpuShares: 102_400,
  memoryBytes: 256 * 2 ** 20,
};
/** residents' windows: two phones, three computers (the views choose their steps from the width) */
const WIDTHS = [390, 1280, 1440, 390, 1920];
const SECTION = { id: 'envelope', title: 'Pi Zero 2 W envelope', command: 'npm run bench -- envelope' };

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The hub's data directory: 200 households (power and an energy meter each) and their history. */
function seed(dir: string, days: number): { raw: number; rollups: number; bytes: number } {
  const db = openDb({ file: path.join(dir, 'communs.db'), synchronous: 'NORMAL' });
  const power = provisionNodes(db, HOUSEHOLDS);
  const meters = provisionMeters(db, HOUSEHOLDS);
  const seeded = seedYear(db, power, Date.now(), { days, energyIds: meters });
  db.close();
  const bytes = fs.statSync(path.join(dir, 'communs.db')).size;
  return { raw: seeded.raw ?? 0, rollups: seeded.rollups ?? 0, bytes };
}

/** Waits for the hub's first automatic backup (it starts at once when there is none); its duration in s. */
async function firstBackup(dataDir: string, alive: () => boolean, timeoutMs: number): Promise<number> {
  const dir = path.join(dataDir, 'backups');
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs && alive()) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^auto-.*\.db$/.test(f)))
      return (Date.now() - t0) / 1000;
    await settle(250);
  }
  return Number.NaN;
}

/** Messages or readings the hub refused so far, every reason together (its /metrics). */
async function refusedSoFar(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(/^communs_readings_rejected_total(?:\{[^}]*\})? (\S+)$/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

/**
 * Readings in the database stamped at or after `since` (the households stamp theirs with their send
 * time; the seeded history is older), rows and packed blocks alike (the `all_readings` view), read
 * once the hub has stopped and folded what it held.
 */
function storedSince(dataDir: string, since: number): number {
  const db = openDb({ file: path.join(dataDir, 'communs.db'), synchronous: 'NORMAL' });
  try {
    return (db.prepare('SELECT count(*) AS n FROM all_readings WHERE ts >= ?').get(since) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The process's peak resident memory (VmHWM), kB. */
function peakRssKb(pid: number): number {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

async function measure(ctx: BenchContext, cg: CgroupPair, dataDir: string, runMs: number, foldMs: number) {
  const t0 = Date.now();
  const hub = await startHub(
    { nodes: 0, dataDir, foldEveryMs: foldMs, serveDashboard: true },
    SHIPPED.nodeArgs,
    SHIPPED.env,
    cg.procsFiles,
  );
  const startS = (Date.now() - t0) / 1000;
  const pid = hub.pids[0] as number;
  const proc = hub.hub?.proc;
  let died: string | undefined;
  const done = new AbortController();
  proc?.once('exit', (code, signal) => {
    died = `exited ${signal ? `on ${signal}` : `with ${code}`} ${fmt((Date.now() - t0) / 1000)} s after its start`;
    done.abort();
  });
  const base = `http://127.0.0.1:${hub.httpPort}`;
  const refusedBefore = await refusedSoFar(base);
  const since = Date.now();
  ctx.log(`hub ready in the cgroup after ${fmt(startS, 1)} s; 200 households connecting`);
  let maxRssKb = 0;
  const watch = setInterval(() => {
    if (!died) maxRssKb = Math.max(maxRssKb, sampleProc(pid).rssKb);
  }, 1000);
  const startAcks: number[] = [];
  const acks: Outcome['acks'] = [];
  let inWindow = false;
  const households = slowRun(hub.target, {
    clients: HOUSEHOLDS,
    periodMs: 10_000,
    durationMs: 3_600_000,
    nodeOf: nodeId,
    onAck: (ms) => {
      if (inWindow) acks.push({ at: Date.now(), ms });
      else startAcks.push(ms);
    },
    signal: done.signal,
  });
  // awaited below; a failure to connect must not surface first as an unhandled rejection
  households.catch(() => {});
  const traffic = new Traffic();
  try {
    const backupS = await firstBackup(dataDir, () => !died, 900_000);
    ctx.log(`first automatic backup after ${fmt(backupS, 1)} s; warming up 15 s`);
    await settle(15_000);
    inWindow = true;
    await hub.hub?.ask({ cmd: 'loopDelay' });
    const before = { cpu: cg.cpu(), proc: sampleProc(pid), hub: runDelayMs(pid), load: runDelayMs('self') };
    const until = Date.now() + runMs;
    ctx.log(`the shared screen and ${RESIDENTS} residents for ${runMs / 60_000} min`);
    const browsers = [new Browser({ base, traffic })];
    const runs = [runScreen(browsers[0] as Browser, until)];
    for (let i = 0; i < RESIDENTS; i++) {
      const b = new Browser({ base, traffic });
      browsers.push(b);
      const width = WIDTHS[i % WIDTHS.length] as number;
      runs.push(runResident(b, until, { width, series: `${nodeId(i * 37)}/p` }));
    }
    await Promise.race([Promise.all(runs), new Promise((r) => done.signal.addEventListener('abort', r))]);
    for (const b of browsers) b.close();
    const after = died
      ? undefined
      : { cpu: cg.cpu(), proc: sampleProc(pid), hub: runDelayMs(pid), load: runDelayMs('self') };
    const loop = died ? undefined : await hub.hub?.ask<LoopDelay>({ cmd: 'loopDelay' });
    const outcome: Outcome = {
      startS,
      backupS,
      windowMs: (after?.proc.at ?? Date.now()) - before.proc.at,
      cpuMs: after ? after.proc.cpuMs - before.proc.cpuMs : Number.NaN,
      cpu: {
        periods: (after?.cpu.periods ?? Number.NaN) - before.cpu.periods,
        throttled: (after?.cpu.throttled ?? Number.NaN) - before.cpu.throttled,
        throttledMs: (after?.cpu.throttledMs ?? Number.NaN) - before.cpu.throttledMs,
      },
      waitedMs: {
        hub: (after?.hub ?? Number.NaN) - before.hub,
        load: (after?.load ?? Number.NaN) - before.load,
      },
      mem: cg.memory(),
      peakRssKb: died ? Number.NaN : peakRssKb(pid),
      maxRssKb,
      ...(loop ? { loop } : {}),
      startAcks,
      acks,
      windowStart: before.proc.at,
      published: 0,
      acked: 0,
      since,
      stored: Number.NaN,
      refused: Number.NaN,
      traffic,
      ...(died ? { died } : {}),
    };
    done.abort();
    const load = await households;
    outcome.published = load.published;
    outcome.acked = load.acked;
    if (!died) outcome.refused = (await refusedSoFar(base)) - refusedBefore;
    return outcome;
  } finally {
    clearInterval(watch);
    done.abort();
    await households.catch(() => {});
    await hub.stop();
  }
}

export async function envelopeBench(ctx: BenchContext): Promise<void> {
  const why = CgroupPair.unavailable();
  if (why) {
    const line = `Not measured on this machine: ${why}; run \`sudo npm run bench -- envelope\` where cgroup v1 (cpu, memory) is mounted at /sys/fs/cgroup.`;
    ctx.log(line);
    writeSection({ ...SECTION, body: line });
    return;
  }
  const runMs = ctx.quick ? 120_000 : 600_000;
  // the default is 30 minutes: every 10, one fold of ~12,000 readings falls inside the 10 minutes
  const foldMs = ctx.quick ? 60_000 : 600_000;
  const days = ctx.quick ? 8 : 35;
  if (!fs.existsSync(path.join(ROOT, 'dashboard/dist/index.html'))) {
    ctx.log('building the dashboard (npm run build)');
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-envelope-'));
  const cg = CgroupPair.create(`communs-envelope-${process.pid}`, LIMITS);
  let r: Outcome;
  let seeded: ReturnType<typeof seed>;
  try {
    ctx.log(`seeding ${days} days of history for ${HOUSEHOLDS} households`);
    seeded = seed(dataDir, days);
    r = await measure(ctx, cg, dataDir, runMs, foldMs);
    if (!r.died) r.stored = storedSince(dataDir, r.since);
  } finally {
    await cg.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const body = envelopeReport(r, {
    limits: LIMITS,
    households: HOUSEHOLDS,
    residents: RESIDENTS,
    foldMs,
    days,
    seeded,
  });
  ctx.log(body);
  writeSection({ ...SECTION, body });
}
