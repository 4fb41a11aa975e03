import type { Traffic } from './browsing.ts';
import type { CgroupLimits, CpuStat, MemoryStat } from './cgroup.ts';
import { table, verdict } from './report.ts';
import { fmt, percentile } from './stats.ts';

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** What one run of the envelope benchmark (bench/envelope.ts) found. */
export interface Outcome {
  startS: number;
  backupS: number;
  windowMs: number;
  cpuMs: number;
  cpu: CpuStat;
  /** how long the hub's and the load generator's main threads waited for a CPU over the window */
  waitedMs: { hub: number; load: number };
  mem: MemoryStat;
  peakRssKb: number;
  maxRssKb: number;
  /** the hub's event-loop delay over the window */
  loop?: LoopDelay;
  startAcks: number[];
  /** publish → PUBACK over the window: when the PUBACK came (Date.now()) and how long it took */
  acks: Array<{ at: number; ms: number }>;
  windowStart: number;
  published: number;
  acked: number;
  /** when the households began (Date.now()): readings stamped since are theirs */
  since: number;
  /** the households' readings in the database after the hub stopped; what the hub refused */
  stored: number;
  refused: number;
  traffic: Traffic;
  /** how the hub ended, when it did not survive the run */
  died?: string;
}

/**
 * Bursts of PUBACKs slower than 2 s, each with the requests that ran longest while those readings
 * waited: a chart computed on the hub's thread holds every acknowledgement behind it.
 */
function stalls(r: Outcome): string[] {
  const bursts: Array<{ from: number; to: number; n: number; max: number }> = [];
  for (const a of r.acks.filter((x) => x.ms > 2000)) {
    const last = bursts.at(-1);
    if (last && a.at - last.to < 3000) {
      last.to = a.at;
      last.n++;
      last.max = Math.max(last.max, a.ms);
    } else bursts.push({ from: a.at, to: a.at, n: 1, max: a.ms });
  }
  return bursts.map((b) => {
    const waitedFrom = b.from - b.max;
    const during = r.traffic.samples
      .filter((s) => s.ms > 1000 && s.at <= b.to && s.at + s.ms >= waitedFrom)
      .sort((x, y) => y.ms - x.ms)
      .slice(0, 3)
      .map((s) => `${s.label} ${fmt(s.ms / 1000, 1)} s`);
    const at = fmt((b.from - r.windowStart) / 1000);
    return `- at +${at} s: ${fmt(b.n)} PUBACKs over 2 s (slowest ${fmt(b.max / 1000, 1)} s); requests slower than 1 s then: ${during.join(', ') || 'none'}`;
  });
}

/** How the run was set up, for the section's opening paragraph. */
export interface EnvelopeSetup {
  limits: CgroupLimits;
  households: number;
  residents: number;
  foldMs: number;
  days: number;
  seeded: { raw: number; rollups: number; bytes: number };
}

const MiB = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

/** The envelope's section of docs/PERFORMANCE.md: the setup, the figures, the stalls, the verdicts. */
export function envelopeReport(r: Outcome, run: EnvelopeSetup): string {
  const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
  const acks = sorted(r.acks.map((a) => a.ms));
  const startAcks = sorted(r.startAcks);
  // a History chart of energy is drawn from /api/cost (its bars priced), any other from /api/series
  const ofKind = (...kinds: string[]) =>
    sorted(r.traffic.samples.filter((s) => kinds.includes(s.kind)).map((s) => s.ms));
  const series = ofKind('chart');
  const costs = ofKind('cost');
  const charts = ofKind('chart', 'cost');
  const all = sorted(r.traffic.samples.map((s) => s.ms));
  const ackP99 = percentile(acks, 99);
  const chartP95 = percentile(charts, 95);
  const share = (r.cpuMs / r.windowMs) * 100;
  const byLabel = new Map<string, number[]>();
  for (const s of r.traffic.samples) byLabel.set(s.label, [...(byLabel.get(s.label) ?? []), s.ms]);
  const errors = [...r.traffic.errors].map(([what, n]) => `${what} ×${n}`);
  const lost = r.published - r.acked;
  // acknowledged yet not in the database after the stop: what durability promises never happens
  const missing = Math.max(0, r.acked - r.stored);
  const noOom = !r.died && r.mem.oomKills === 0;
  const live = r.traffic.live;
  return [
    'The hub as it ships (compiled; `MALLOC_ARENA_MAX=2`, `--max-semi-space-size=1`) inside a cgroup v1',
    `pair: \`cpu.cfs_quota_us\` ${fmt(run.limits.cpuQuotaUs)} of a ${fmt(run.limits.cpuPeriodUs)} µs period (10 % of one core;`,
    `\`cpu.shares\` ${fmt(run.limits.cpuShares ?? 1024)}, so that on a shared machine the hub gets that tenth first, as on`,
    `its own Pi) and \`memory.limit_in_bytes\` ${MiB(run.limits.memoryBytes)} (page cache included, no swap), joined`,
    "before Node starts (Linux no longer moves a process's earlier memory charges with it).",
    `${run.households} households, each a power sensor and an energy meter, with ${run.days} days of history seeded`,
    `(${fmt(run.seeded.raw)} raw readings, ${fmt(run.seeded.rollups)} rollup rows, database ${MiB(run.seeded.bytes)}).`,
    `The hub folds every ${run.foldMs / 60_000} min here (default 30: the window holds a fold). All load from`,
    `outside the cgroup: the ${run.households} households publish one QoS 1 power reading every 10 s; the shared`,
    `screen and ${run.residents} residents are node:http clients replaying the dashboard views' requests`,
    "(`bench/lib/browsing.ts`: the screen's 20-s rotation with the live stream open on Now and",
    "Environment; residents on Now (with today's cost), History — the neighbourhood's energy priced",
    "over this day, week, month and year with its comparisons, one household's power over the same",
    "periods and its meter's month — Sensors and Register, with 2–15 s think times). Measured over",
    `${fmt(r.windowMs / 60_000, 1)} min after the start-up (200 connections, the first automatic backup, 15 s).`,
    `The load generator's thread waited ${fmt(r.waitedMs.load / 1000, 1)} s for a CPU over the window`,
    `(${fmt((r.waitedMs.load / r.windowMs) * 100, 1)} % of it): on a quiet machine that is near 0, and every`,
    "latency below carries that much of the machine's own load.",
    '',
    table(
      ['measure', 'value'],
      [
        ['hub start inside the cgroup (spawn → listening)', `${fmt(r.startS, 1)} s`],
        ['first automatic backup (starts at once on a hub without one)', `${fmt(r.backupS, 1)} s`],
        ['peak RSS (VmHWM) / highest sampled RSS', `${MiB(r.peakRssKb * 1024)} / ${MiB(r.maxRssKb * 1024)}`],
        [
          'cgroup memory: peak usage (page cache included) / at the end',
          `${MiB(r.mem.maxUsage)} / ${MiB(r.mem.usage)}`,
        ],
        ['cgroup memory at the end: anonymous / page cache', `${MiB(r.mem.rss)} / ${MiB(r.mem.cache)}`],
        [
          'limit reached (`memory.failcnt`: cache reclaimed counts) / OOM kills',
          `${fmt(r.mem.failcnt)} / ${fmt(r.mem.oomKills)}`,
        ],
        ['CPU used, share of one core (quota 10 %)', `${fmt(share, 2)} %`],
        [
          "the hub's event-loop delay p50 / p99 / max (how long its thread was busy at a stretch)",
          r.loop ? `${fmt(r.loop.p50)} / ${fmt(r.loop.p99)} / ${fmt(r.loop.max)} ms` : 'n/a',
        ],
        [
          "main thread's wait for a CPU while runnable (`schedstat`): the hub (quota included) / the load generator",
          `${fmt(r.waitedMs.hub / 1000, 1)} s / ${fmt(r.waitedMs.load / 1000, 1)} s`,
        ],
        [
          'periods throttled (`cpu.stat`) / time throttled',
          `${fmt(r.cpu.throttled)} of ${fmt(r.cpu.periods)} / ${fmt(r.cpu.throttledMs / 1000, 1)} s`,
        ],
        [
          'publish → PUBACK p50 / p99, window',
          `${fmt(percentile(acks, 50))} / ${fmt(ackP99)} ms (n=${fmt(acks.length)})`,
        ],
        [
          'publish → PUBACK p50 / p99, start-up',
          `${fmt(percentile(startAcks, 50))} / ${fmt(percentile(startAcks, 99))} ms (n=${fmt(startAcks.length)})`,
        ],
        [
          'readings published / acknowledged / never acknowledged',
          `${fmt(r.published)} / ${fmt(r.acked)} / ${fmt(lost)}`,
        ],
        [
          'readings in the database after the stop / refused by the hub (`/metrics`)',
          `${fmt(r.stored)} / ${fmt(r.refused)}`,
        ],
        [
          'chart requests (/api/series and /api/cost) p50 / p95',
          `${fmt(percentile(charts, 50))} / ${fmt(chartP95)} ms (n=${fmt(charts.length)})`,
        ],
        [
          'of which /api/series p50 / p95; /api/cost p50 / p95',
          `${fmt(percentile(series, 50))} / ${fmt(percentile(series, 95))} ms; ${fmt(percentile(costs, 50))} / ${fmt(percentile(costs, 95))} ms`,
        ],
        [
          'all requests p50 / p95',
          `${fmt(percentile(all, 50))} / ${fmt(percentile(all, 95))} ms (n=${fmt(all.length)})`,
        ],
        [
          'live streams opened / events received / first byte p95',
          `${fmt(live.opened)} / ${fmt(live.events)} / ${fmt(percentile(live.firstByteMs, 95))} ms`,
        ],
        ['request errors', errors.length ? errors.join('; ') : 'none'],
      ],
    ),
    '',
    table(
      ['request', 'n', 'p50 ms', 'p95 ms', 'max ms'],
      [...byLabel].map(([label, xs]) => [
        label,
        fmt(xs.length),
        fmt(percentile(xs, 50)),
        fmt(percentile(xs, 95)),
        fmt(Math.max(...xs)),
      ]),
    ),
    '',
    ...(r.died ? [`**The hub did not survive the run**: it ${r.died}.`, ''] : []),
    ...(stalls(r).length
      ? ['When acknowledgements waited over 2 s (time into the window):', '', ...stalls(r), '']
      : []),
    table(
      ['budget', 'measured', 'verdict'],
      [
        [
          'no OOM',
          r.died ? `the hub ${r.died}` : `${fmt(r.mem.oomKills)} OOM kills`,
          noOom ? 'met' : '**missed**',
        ],
        ['p99 publish → acknowledged ≤ 2 s', `${fmt(ackP99)} ms`, verdict(ackP99, 2000, false)],
        [
          'no reading lost: every publish acknowledged, every acknowledged reading stored',
          `${fmt(lost)} never acknowledged; ${fmt(missing)} acknowledged, not stored`,
          lost === 0 && missing === 0 ? 'met' : '**missed**',
        ],
        ['chart p95 ≤ 300 ms', `${fmt(chartP95)} ms`, verdict(chartP95, 300, false)],
      ],
    ),
  ].join('\n');
}
