import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_FOLD_EVERY_MS } from '../hub/src/store/readings-store.ts';
import { slowRun } from './lib/load.ts';
import { sampleProc } from './lib/proc.ts';
import { ROOT, table, verdict, writeSection } from './lib/report.ts';
import { fmt, percentile } from './lib/stats.ts';
import { type System, startHub, startSystem } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Window {
  cpuMs: number;
  wallMs: number;
  writeBytes: number;
}

/** CPU and disk writes of `pids` (summed) over `ms`, after `warmMs`. */
async function measureWindow(pids: readonly number[], warmMs: number, ms: number): Promise<Window> {
  await settle(warmMs);
  const a = pids.map(sampleProc);
  await settle(ms);
  const b = pids.map(sampleProc);
  let cpuMs = 0;
  let writeBytes = 0;
  for (const [i, s] of b.entries()) {
    cpuMs += s.cpuMs - (a[i]?.cpuMs ?? 0);
    writeBytes += s.writeBytes - (a[i]?.writeBytes ?? 0);
  }
  return { cpuMs, wallMs: (b[0]?.at ?? 0) - (a[0]?.at ?? 0), writeBytes };
}

interface Row {
  label: string;
  w: Window;
  readings: number;
  /** publish → acknowledged, ms */
  ack?: { p50: number; p99: number; n: number };
  note?: string;
}

/** Readings the hub has accepted from every node (/api/nodes counts them). */
async function acceptedOf(httpUrl: string): Promise<number> {
  const body = (await (await fetch(`${httpUrl}api/nodes`)).json()) as { nodes: Array<{ accepted: number }> };
  return body.nodes.reduce((sum, n) => sum + n.accepted, 0);
}

/**
 * `communs hub --demo 8` as a user starts it, measured once its history is in; `foldMin`: its
 * `--fold-every` (undefined: the default, every 30 minutes).
 */
async function demoRow(ctx: BenchContext, ms: number, foldMin: number | undefined): Promise<Row | string> {
  if (!fs.existsSync(path.join(ROOT, 'firmware/demo/demo.ts'))) return 'firmware/demo is not in the tree yet';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-demo-'));
  const proc = spawn(
    process.execPath,
    [
      'bin/communs.js',
      'hub',
      '--demo',
      '8',
      '--data',
      dir,
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      ...(foldMin === undefined ? [] : ['--fold-every', String(foldMin)]),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  try {
    const line = async (pattern: RegExp, timeoutMs: number) => {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end && proc.exitCode === null) {
        const m = pattern.exec(out);
        if (m) return m;
        await settle(200);
      }
      return undefined;
    };
    if (!(await line(/^ready$/m, 120_000))) return 'the demo did not start (no "ready" line within 120 s)';
    const http = (await line(/dashboard\s+(http:\/\/\S+)/, 5000))?.[1];
    if (!http) return 'the demo printed no dashboard URL';
    // a first start writes three weeks of history through ingest and takes its first backup at once:
    // one-offs, left out
    if (!(await line(/backfilled \d+ days of history/, 600_000)))
      return 'the demo wrote no history in 10 min';
    if (!(await line(/automatic backup written/, 300_000))) return 'the demo took no backup within 5 min';
    ctx.log(`demo hub ready and its history in, measuring ${ms / 1000} s`);
    await settle(10_000);
    const before = await acceptedOf(http);
    const w = await measureWindow([proc.pid ?? 0], 0, ms);
    const readings = (await acceptedOf(http)) - before;
    return {
      label:
        foldMin === undefined
          ? `8-household demo (\`communs hub --demo 8\`, the demo in the same process, folding every ${DEFAULT_FOLD_EVERY_MS / 60_000} min)`
          : `8-household demo (\`communs hub --demo 8 --fold-every ${foldMin}\`, the demo in the same process)`,
      w,
      readings,
    };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** 200 households at one reading per 10 s against `system`, over `ms` after a warm-up. */
async function householdsRow(system: System, label: string, ms: number): Promise<Row> {
  const warm = 15_000;
  const load = slowRun(system.target, {
    clients: 200,
    periodMs: 10_000,
    durationMs: warm + ms + 5_000,
    nodeOf: nodeId,
  });
  const w = await measureWindow(system.pids, warm, ms);
  const r = await load;
  const lat = [...r.ackLatencies].sort((a, b) => a - b);
  const stored = system.storedLatency ? await system.storedLatency() : undefined;
  return {
    label,
    w,
    readings: 200 * (w.wallMs / 10_000),
    ack: { p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length },
    ...(stored
      ? {
          note: `publish → stored by the subscriber p50 ${fmt(stored.p50, 0)} / p99 ${fmt(stored.p99, 0)} ms`,
        }
      : {}),
  };
}

export async function energyBench(ctx: BenchContext): Promise<void> {
  // the 200 households' window holds two folds of what the hub holds in memory: folding every 5
  // minutes writes more than the default 30 (pages filled less), so their figures are an upper
  // bound. The demo is measured as a user runs it, with the default fold, over one fold interval
  // (which always holds one fold: its share counted exactly once).
  const ms = ctx.quick ? 120_000 : 600_000;
  const foldMin = ctx.quick ? 1 : 5;
  const demoMs = ctx.quick ? 120_000 : DEFAULT_FOLD_EVERY_MS;
  const rows: Row[] = [];
  const skipped: string[] = [];
  const demo = await demoRow(ctx, demoMs, ctx.quick ? foldMin : undefined);
  if (typeof demo === 'string') skipped.push(`8-household demo: ${demo}`);
  else rows.push(demo);

  const hub = await startHub({ nodes: 200, foldEveryMs: foldMin * 60_000 });
  try {
    rows.push(
      await householdsRow(
        hub,
        `200 households, 1 reading / 10 s each: the hub (fold every ${foldMin} min)`,
        ms,
      ),
    );
  } finally {
    await hub.stop();
  }
  const peer = await startSystem('mosquitto', 200);
  try {
    rows.push(
      await householdsRow(
        peer,
        '200 households, the same load: mosquitto + SQLite subscriber (both processes)',
        ms,
      ),
    );
  } finally {
    await peer.stop();
  }

  const perReading = (r: Row) => r.w.writeBytes / Math.max(1, r.readings);
  const body = [
    `CPU time and disk writes (\`/proc/<pid>/io\` write_bytes: what an SD card receives) of the server`,
    `process(es) alone over ${ms / 1000} s of steady load after a warm-up (the demo: ${demoMs / 1000} s). With 200`,
    `households the hub folds what it holds in memory into SQLite every ${foldMin} minute(s) here, so the window`,
    `holds ${ms / 60_000 / foldMin} folds; it folds every ${DEFAULT_FOLD_EVERY_MS / 60_000} minutes by default, which writes less. The demo runs`,
    `as a user starts it${ctx.quick ? ` (here with \`--fold-every ${foldMin}\`)` : `, folding every ${DEFAULT_FOLD_EVERY_MS / 60_000} minutes: one fold in its window`}.`,
    'Acknowledgement times are those of QoS 1 PUBLISH → PUBACK seen by the simulated nodes (for',
    'mosquitto a PUBACK says nothing was stored).',
    '',
    table(
      [
        'load',
        'CPU-s / hour',
        'share of one core',
        'readings / s',
        'bytes written / reading',
        'MiB written / day',
        'ack p50 / p99 ms',
      ],
      rows.map((r) => {
        const share = r.w.cpuMs / r.w.wallMs;
        return [
          r.label,
          fmt(share * 3600, 1),
          `${fmt(share * 100, 2)} %`,
          fmt(r.readings / (r.w.wallMs / 1000), 1),
          fmt(perReading(r), 0),
          fmt(((r.w.writeBytes / r.w.wallMs) * 86_400_000) / 2 ** 20, 0),
          r.ack ? `${fmt(r.ack.p50, 0)} / ${fmt(r.ack.p99, 0)}` : '—',
        ];
      }),
    ),
    '',
    ...rows.filter((r) => r.note).map((r) => `${r.label}: ${r.note}.`),
    ...skipped.map((s) => `Not measured: ${s}.`),
    '',
    table(
      ['budget', 'measured', 'verdict'],
      [
        ...rows
          .filter((r) => r.label.startsWith('8-household'))
          .map((r) => [
            '≤ 300 B written per reading, the demo',
            `${fmt(perReading(r), 0)} B`,
            verdict(perReading(r), 300, false),
          ]),
        ...rows
          .filter((r) => r.label.includes('the hub'))
          .flatMap((r) => [
            [
              '≤ 200 B written per reading, 200 households',
              `${fmt(perReading(r), 0)} B`,
              verdict(perReading(r), 200, false),
            ],
            [
              'p99 publish → acknowledged ≤ 1 s',
              `${fmt(r.ack?.p99 ?? Number.NaN, 0)} ms`,
              verdict(r.ack?.p99 ?? Number.NaN, 1000, false),
            ],
            [
              '200 households ≤ 2 % of a core',
              `${fmt((r.w.cpuMs / r.w.wallMs) * 100, 2)} %`,
              verdict((r.w.cpuMs / r.w.wallMs) * 100, 2, false),
            ],
          ]),
      ],
    ),
  ].join('\n');
  ctx.log(body);
  writeSection({
    id: 'energy',
    title: 'Energy and writes per reading',
    command: 'npm run bench -- energy',
    body,
  });
}
