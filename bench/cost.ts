import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupPriced, priceHours } from '../hub/src/cost/cost.ts';
import { costReport } from '../hub/src/cost/cost-report.ts';
import { LocalClock } from '../hub/src/cost/local-time.ts';
import { LiveBus } from '../hub/src/live-bus.ts';
import { CollectivePublisher, policyOf } from '../hub/src/privacy/collective-publisher.ts';
import { openDb } from '../hub/src/store/db.ts';
import { PERIODS } from '../hub/src/store/rollup.ts';
import { SettingsSchema, SettingsStore } from '../hub/src/store/settings.ts';
import { Store } from '../hub/src/store/store.ts';
import type { Tariff } from '../protocol/tariff.ts';
import { table, writeSection } from './lib/report.ts';
import { fmt, median } from './lib/stats.ts';
import type { BenchContext } from './run.ts';

const HOMES = 50;
const YEAR_HOURS = 8760;

const TARIFFS: Record<string, Tariff> = {
  single: { model: 'single', from: '2025-01-01', perKwh: 0.2016, dailyCharge: 0.47 },
  'peak/off-peak, seasonal window': {
    model: 'peak-offpeak',
    from: '2025-01-01',
    dailyCharge: 0.49,
    peak: 0.2146,
    offPeak: 0.1696,
    offPeakHours: [
      { from: '23:00', to: '05:00' },
      { from: '13:30', to: '15:30', months: [4, 10] },
    ],
  },
  Tempo: {
    model: 'tempo',
    from: '2025-01-01',
    dailyCharge: 0.49,
    prices: {
      blue: { peak: 0.1612, offPeak: 0.1325 },
      white: { peak: 0.1871, offPeak: 0.1499 },
      red: { peak: 0.706, offPeak: 0.1575 },
    },
  },
};

/** CPU milliseconds of `fn`, median of `rounds` after five warm-up runs (the machine is shared: CPU, not wall time). */
function cpuMs(fn: () => unknown, rounds: number): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const u0 = process.cpuUsage();
    fn();
    const u = process.cpuUsage(u0);
    samples.push((u.user + u.system) / 1000);
  }
  return median(samples);
}

/**
 * The cost module's price: a year of hours priced by each tariff model (pure), and `costReport`
 * (what /api/cost answers) over SQLite holding a year of hourly energy rollups for HOMES homes:
 * the neighbourhood's year by month, one home's month by day, the neighbourhood's day so far.
 */
export async function costBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 5 : 30;
  const clock = new LocalClock({ timeZone: 'Europe/Paris' });
  const from = Date.UTC(2026, 0, 1);
  const t = Array.from({ length: YEAR_HOURS }, (_, h) => from + h * 3_600_000);
  const wh = t.map((ts) => 300 + 700 * Math.exp(-((((ts / 3_600_000) % 24) - 19) ** 2) / 4));
  const pure: string[][] = [];
  for (const [name, tariff] of Object.entries(TARIFFS)) {
    const ms = cpuMs(() => {
      const priced = priceHours(
        t,
        wh,
        { tariffs: [tariff], clock, tempoColour: (d) => (d.endsWith('5') ? 'white' : 'blue') },
        { homes: 1, gco2PerKwh: 52, until: Number.MAX_SAFE_INTEGER },
      );
      return groupPriced(priced.hours, 'month', clock);
    }, rounds);
    pure.push([name, fmt(ms, 1)]);
    ctx.log(`a year of hours, ${name}: ${fmt(ms, 1)} ms CPU`);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-cost-'));
  const db = openDb({ file: path.join(dir, 'communs.db'), synchronous: 'NORMAL' });
  const rows: string[][] = [];
  try {
    const now = from + YEAR_HOURS * 3_600_000 - 1;
    const store = new Store({ db, now: () => now });
    const { registry } = store;
    const sensors: number[] = [];
    for (let i = 0; i < HOMES; i++) {
      const id = `home-${i}`;
      registry.addHousehold({ id, name: id, sharing: 'community' });
      registry.addNode({ id: `meter-${i}`, household: id });
      registry.applyMeta(`meter-${i}`, {
        node: `meter-${i}`,
        board: 'bench',
        sensors: [{ id: 'energy', quantity: 'energy', unit: 'Wh' }],
      });
      const s = registry.sensor(`meter-${i}`, 'energy');
      if (s) sensors.push(s.id);
    }
    // hourly energy rollups written directly, as the query benchmark's bulk loader does
    const insert = db.prepare(
      'INSERT INTO rollups (sensor_id, period, start, count, sum, min, max, last, last_ts) VALUES (?, ?, ?, 60, ?, 0, 0, 0, ?)',
    );
    db.transaction(() => {
      for (const id of sensors) {
        t.forEach((ts, i) => {
          insert.run(id, PERIODS.hour, ts, (wh[i] ?? 0) * (1 + (id % 5) / 10), ts);
        });
      }
    })();
    // the neighbourhood's hours decided by the privacy rule, as the hub's publisher does
    const settings = new SettingsStore({ db });
    settings.load();
    const publisher = new CollectivePublisher({
      ledger: store.series.ledger,
      registry,
      settings,
      bus: new LiveBus(),
      now: () => now,
      log: ctx.log,
    });
    while (publisher.step()) {
      // a day of history per step
    }
    store.tariffs.put(TARIFFS.Tempo as Tariff, now);
    const deps = {
      series: store.series,
      tariffs: store.tariffs,
      settings: SettingsSchema.parse({ timeZone: 'Europe/Paris' }),
      now,
    };
    const home = registry.sensorById(sensors[0] ?? 0);
    const cases: [string, () => unknown][] = [
      [
        'the neighbourhood, a year by month',
        () =>
          costReport(deps, {
            source: { kind: 'collective', policy: policyOf(settings) },
            from,
            to: now,
            bucket: 'month',
          }),
      ],
      [
        'one home, a month by day',
        () =>
          costReport(deps, {
            source: { kind: 'series', name: 'household', sensors: home ? [home] : [] },
            from: now - 31 * 86_400_000,
            to: now,
            bucket: 'day',
          }),
      ],
      [
        'the neighbourhood, today so far',
        () =>
          costReport(deps, {
            source: { kind: 'collective', policy: policyOf(settings) },
            from: now - 86_400_000,
            to: now,
            bucket: 'none',
          }),
      ],
    ];
    for (const [name, fn] of cases) {
      const ms = cpuMs(fn, rounds);
      rows.push([name, fmt(ms, 1)]);
      ctx.log(`${name}: ${fmt(ms, 1)} ms CPU`);
    }
  } finally {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  writeSection({
    id: 'cost',
    title: 'Cost of energy',
    command: 'npm run bench -- cost',
    body: [
      `A year of hourly energy priced and grouped by month (\`priceHours\` + \`groupPriced\`, hub/src/cost/cost.ts), CPU time, median of ${rounds} runs after five warm-up runs:`,
      '',
      table(['tariff', 'ms CPU'], pure),
      '',
      `\`costReport\` (what \`/api/cost\` answers) over SQLite holding a year of hourly energy rollups for ${HOMES} homes, Tempo tariff, Paris time, collective closed buckets cached as in the hub:`,
      '',
      table(['request', 'ms CPU'], rows),
    ].join('\n'),
  });
}
