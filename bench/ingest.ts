import { fastRun, slowRun } from './lib/load.ts';
import { sampleAll } from './lib/proc.ts';
import { table, verdict, writeSection } from './lib/report.ts';
import { fmt, fmtSummary, percentile, summarize } from './lib/stats.ts';
import { LABELS, type System, type SystemKind, startSystem } from './lib/systems.ts';
import { visibilitySampler } from './lib/visibility.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

/** In-flight window of the fast client: a node's store-and-forward replay is bounded like this. */
const WINDOW = 1000;
const SLOW_CLIENTS = 500;
const SLOW_PERIOD_MS = 10_000;

interface SystemFigures {
  kind: SystemKind;
  qos1: number[];
  qos0: number[];
  cpuUs: number[];
  writeBytes: number[];
  slow: { p50: number; p99: number; n: number; what: string };
  half?: { rate: number; p50: number; p99: number; n: number; ackP99: number };
}

/** Fast rounds of one QoS: readings/s to the moment they are stored, CPU and disk writes per reading. */
async function rounds(sys: System, qos: 0 | 1, count: number, n: number, stored: { total: number }) {
  const rates: number[] = [];
  const cpuUs: number[] = [];
  const writeBytes: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = sampleAll(sys.pids);
    const t0 = performance.now();
    await fastRun(sys.target, { node: nodeId(0), qos, count, window: WINDOW });
    stored.total += count + (qos === 0 ? 1 : 0);
    await sys.waitStored(stored.total);
    const elapsed = performance.now() - t0;
    const after = sampleAll(sys.pids);
    rates.push((count / elapsed) * 1000);
    cpuUs.push(((after.cpuMs - before.cpuMs) * 1000) / count);
    writeBytes.push((after.writeBytes - before.writeBytes) / count);
  }
  return { rates, cpuUs, writeBytes };
}

/**
 * The three systems run side by side and their fast rounds alternate (hub, aedes, mosquitto, hub,
 * ...): on a shared machine the background load drifts over minutes, and rounds taken one system
 * after the other would compare one system's quiet minute with another's busy one.
 */
async function measureAll(ctx: BenchContext): Promise<SystemFigures[]> {
  const kinds = ['hub', 'hubAedes', 'aedes', 'mosquitto'] as const;
  const systems: System[] = [];
  try {
    for (const kind of kinds) systems.push(await startSystem(kind, SLOW_CLIENTS));
    const stored = systems.map(() => ({ total: 0 }));
    const count = ctx.quick ? 8000 : 30_000;
    const n = ctx.quick ? 2 : 5;
    const fast = systems.map(() => ({
      q1: { rates: [] as number[], cpuUs: [] as number[], writeBytes: [] as number[] },
      q0: { rates: [] as number[] },
    }));
    ctx.log('warm-up of each system');
    for (const [i, sys] of systems.entries()) await rounds(sys, 1, 5000, 1, stored[i] as { total: number });
    for (const qos of [1, 0] as const) {
      for (let r = 0; r < n; r++) {
        ctx.log(`QoS ${qos}, round ${r + 1} of ${n}: ${count} readings through each system in turn`);
        for (const [i, sys] of systems.entries()) {
          const one = await rounds(sys, qos, count, 1, stored[i] as { total: number });
          const into = fast[i] as (typeof fast)[number];
          if (qos === 0) into.q0.rates.push(...one.rates);
          else {
            into.q1.rates.push(...one.rates);
            into.q1.cpuUs.push(...one.cpuUs);
            into.q1.writeBytes.push(...one.writeBytes);
          }
        }
      }
    }
    const figures: SystemFigures[] = [];
    for (const [i, sys] of systems.entries()) {
      const f = fast[i] as (typeof fast)[number];
      const slow = await slowFigures(sys, stored[i] as { total: number }, ctx);
      const fig: SystemFigures = {
        kind: sys.kind,
        qos1: f.q1.rates,
        qos0: f.q0.rates,
        cpuUs: f.q1.cpuUs,
        writeBytes: f.q1.writeBytes,
        slow,
      };
      if (sys.kind === 'hub') fig.half = await halfSaturation(sys, summarize(f.q1.rates).median, ctx);
      figures.push(fig);
    }
    return figures;
  } finally {
    for (const sys of systems) await sys.stop();
  }
}

/** Many slow clients on one system: latency to visible (hub), to committed (c) or to PUBACK (b). */
async function slowFigures(
  sys: System,
  stored: { total: number },
  ctx: BenchContext,
): Promise<SystemFigures['slow']> {
  const durationMs = ctx.quick ? 8000 : 20_000;
  ctx.log(`${sys.label}: ${SLOW_CLIENTS} slow clients for ${durationMs / 1000} s`);
  const sampler = sys.httpPort ? visibilitySampler(sys.httpPort, 5) : undefined;
  await sys.storedLatency?.();
  const slow = await slowRun(sys.target, {
    clients: SLOW_CLIENTS,
    periodMs: SLOW_PERIOD_MS,
    durationMs,
    nodeOf: nodeId,
    ...(sampler ? { onPublish: (node: string, ts: number) => sampler.onPublish(node, ts) } : {}),
  });
  stored.total += slow.published;
  if (sampler) {
    const vis = await sampler.results();
    return {
      p50: percentile(vis, 50),
      p99: percentile(vis, 99),
      n: vis.length,
      what: 'publish → visible in /api/series',
    };
  }
  if (sys.storedLatency) {
    await sys.waitStored(stored.total);
    const l = await sys.storedLatency();
    return { ...l, what: 'publish → committed by the subscriber' };
  }
  const l = slow.ackLatencies;
  return {
    p50: percentile(l, 50),
    p99: percentile(l, 99),
    n: l.length,
    what: 'publish → PUBACK (nothing stored)',
  };
}

/** The hub at half its saturation rate, spread over the slow clients: p99 publish → visible. */
async function halfSaturation(sys: System, saturation: number, ctx: BenchContext) {
  const rate = saturation / 2;
  const periodMs = (SLOW_CLIENTS / rate) * 1000;
  const durationMs = ctx.quick ? 5000 : 10_000;
  ctx.log(`${sys.label}: half saturation, ${fmt(rate)} readings/s for ${durationMs / 1000} s`);
  const sampler = visibilitySampler(sys.httpPort ?? 0, Math.max(1, Math.round(rate / 20)));
  const r = await slowRun(sys.target, {
    clients: SLOW_CLIENTS,
    periodMs,
    durationMs,
    nodeOf: nodeId,
    onPublish: (node, ts) => sampler.onPublish(node, ts),
  });
  const vis = await sampler.results();
  return {
    rate: (r.acked / durationMs) * 1000,
    p50: percentile(vis, 50),
    p99: percentile(vis, 99),
    n: vis.length,
    ackP99: percentile(r.ackLatencies, 99),
  };
}

export async function ingestBench(ctx: BenchContext): Promise<void> {
  const figs = await measureAll(ctx);
  const [a, a2, b, c] = figs as [SystemFigures, SystemFigures, SystemFigures, SystemFigures];
  const med = (xs: number[]) => summarize(xs).median;
  const rows = figs.map((f) => [
    LABELS[f.kind],
    fmtSummary(summarize(f.qos1)),
    fmtSummary(summarize(f.qos0)),
    fmtSummary(summarize(f.cpuUs), 1),
    f.kind === 'aedes' ? '—' : fmtSummary(summarize(f.writeBytes)),
    `${fmt(f.slow.p50)} / ${fmt(f.slow.p99)} (${f.slow.what}, n=${f.slow.n})`,
  ]);
  // the ratio round by round (each round of (a) next to the round of (b) taken right after it):
  // its median is the verdict, as it cancels the drift of the machine's load between rounds
  const abRounds = a.qos1.map((x, i) => x / (b.qos1[i] as number));
  const ab = med(abRounds);
  const ac = med(a.qos1.map((x, i) => x / (c.qos1[i] as number)));
  const a2c = med(a2.qos1.map((x, i) => x / (c.qos1[i] as number)));
  const aa2 = med(a.qos1.map((x, i) => x / (a2.qos1[i] as number)));
  const cpu = med(a.cpuUs);
  const cpu2 = med(a2.cpuUs);
  const half = a.half;
  const body = [
    `One fast client, QoS 1 pipelined with at most ${WINDOW} publishes in flight (or QoS 0 closed by`,
    'one QoS 1 publish), one ~110-byte native reading per message; the rate runs to the moment the',
    'last reading is acknowledged as stored. The four systems run side by side and their rounds',
    'alternate, so that the background load of this shared machine weighs on all alike. Median of the rounds,',
    '(min–max). CPU and disk writes are those of the',
    `server processes only (/proc/<pid>/stat, /proc/<pid>/io), over the QoS 1 rounds. Slow: ${SLOW_CLIENTS}`,
    'connections, one reading each every 10 s. The hubs run as shipped (the commit log, its default commit',
    'window of 600 ms); (a′) turns the fast path off (`fastPath: false`), every reading going through aedes.',
    '',
    table(
      [
        'system',
        'QoS 1 readings/s',
        'QoS 0 readings/s',
        'CPU µs / reading',
        'bytes written / reading',
        'slow clients p50 / p99 ms',
      ],
      rows,
    ),
    '',
    table(
      ['budget', 'measured', 'verdict'],
      [
        ['(a) ≥ 2 × (c), QoS 1', `${ac.toFixed(2)} ×`, verdict(ac, 2.0, true)],
        ["(a′) ≥ 2 × (c), QoS 1 (aedes' public API only)", `${a2c.toFixed(2)} ×`, verdict(a2c, 2.0, true)],
        ['(a) ≤ 12 µs CPU per durable reading', `${cpu.toFixed(1)} µs`, verdict(cpu, 12, false)],
        ['(a′) ≤ 12 µs CPU per durable reading', `${cpu2.toFixed(1)} µs`, verdict(cpu2, 12, false)],
        [
          'p99 publish → visible ≤ 1 s at half saturation',
          half
            ? `${fmt(half.p99)} ms at ${fmt(half.rate)} readings/s (p50 ${fmt(half.p50)} ms, n=${half.n})`
            : 'n/a',
          half ? verdict(half.p99, 1000, false) : 'n/a',
        ],
      ],
    ),
    '',
    `The fast path buys ${aa2.toFixed(2)} × the rate of (a′) (median of the rounds). (a)/(b), aedes alone storing nothing: ${ab.toFixed(2)} × (median of the rounds ${abRounds.map((x) => x.toFixed(2)).join(', ')}), no longer a budget.`,
    '',
    `QoS 0 ratios (median of the rounds): (a)/(b) ${med(a.qos0.map((x, i) => x / (b.qos0[i] as number))).toFixed(2)} ×, (a)/(c) ${med(a.qos0.map((x, i) => x / (c.qos0[i] as number))).toFixed(2)} ×.`,
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'ingest', title: 'Ingest, side by side', command: 'npm run bench:ingest', body });
}
