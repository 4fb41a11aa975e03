import { startServer } from './lib/child.ts';
import { measureLayouts } from './lib/layouts.ts';
import { table, verdict, writeSection } from './lib/report.ts';
import { fmt } from './lib/stats.ts';
import type { BenchContext } from './run.ts';
import { householdPower } from './servers/seed-year.ts';

interface LoadResult {
  loadMs: number;
  writeBytes: number;
  fileBytes: number;
  pageSize: number;
  tables: Record<string, number>;
  readings: number;
  rollups: number;
}

const SENSORS = 200;

/** Bytes of the tables and indexes whose name starts with `prefix` (a table and its indexes). */
function bytesOf(tables: Record<string, number>, test: (name: string) => boolean): number {
  return Object.entries(tables)
    .filter(([name]) => test(name))
    .reduce((s, [, b]) => s + b, 0);
}

export async function storageBench(ctx: BenchContext): Promise<void> {
  const readings = ctx.quick ? 200_000 : 500_000;
  // ~200 readings a commit: what the 100 ms window gathers from a busy neighbourhood's replays;
  // live, 200 nodes at one reading per 10 s give ~2 a commit (see the energy section for that)
  const perCommit = 200;
  ctx.log(`loading ${fmt(readings)} readings of ${SENSORS} series through ReadingsStore.commit`);
  const loader = await startServer<LoadResult>(
    'store-loader.ts',
    { sensors: SENSORS, readings, perCommit },
    900_000,
  );
  const r = loader.info;
  await loader.stop();
  const raw = bytesOf(r.tables, (n) => n.startsWith('reading') || n.startsWith('sqlite_autoindex_reading'));
  const roll = bytesOf(r.tables, (n) => n.startsWith('rollup') || n.startsWith('sqlite_autoindex_rollup'));
  const perRaw = raw / r.readings;
  const perRollup = roll / r.rollups;
  const written = r.writeBytes / r.readings;
  const perDay = (SENSORS * 8640 * (perRaw + roll / r.readings)) / 2 ** 20;
  ctx.log('what-if: the same readings in other raw layouts');
  const layouts = measureLayouts(
    SENSORS,
    ctx.quick ? 200 : 1000,
    (sensor, ts) => Math.round(householdPower(sensor, ts) * 10) / 10,
  );
  const body = [
    `${fmt(r.readings)} readings (${SENSORS} power series, 10 s apart, one decimal) loaded through`,
    `\`ReadingsStore.commit\` (the ingest path, rollups included), ${perCommit} readings a transaction,`,
    `synchronous=FULL, page size ${r.pageSize} B, in ${fmt(r.loadMs / 1000, 1)} s. Measured at ${fmt(readings / 1e6, 1)} M readings and`,
    'extrapolated to 10 M: every figure below is per row, and B-tree pages fill the same way past the',
    'first thousand pages, so the per-row sizes hold at 10 M (an earlier run at 1 M gave 28.9 B/raw',
    'reading, 68.8 B/rollup row; loading 10 M would take ~20 minutes here).',
    "Sizes from SQLite's `dbstat` (pages of each table and index, free space included).",
    '',
    table(
      ['measure', 'value', 'compare'],
      [
        [
          'bytes on disk per raw reading',
          fmt(perRaw, 1),
          `emoncms: 4 B/point fixed-interval, 9 B/point variable-interval; budget ≤ 12 B: ${verdict(perRaw, 12, false)}`,
        ],
        [
          'bytes on disk per rollup row',
          fmt(perRollup, 1),
          `${fmt(r.rollups)} rows (minute, hour, day) for ${fmt(r.readings)} readings`,
        ],
        [
          'rollup bytes per raw reading',
          fmt(roll / r.readings, 1),
          'minute rollups are kept for good, like hours and days',
        ],
        [
          "bytes written per reading (loader's /proc/<pid>/io)",
          fmt(written, 0),
          'WAL frames + checkpoint, batches of 200',
        ],
        [
          'file after checkpoint',
          `${fmt(r.fileBytes / 2 ** 20, 1)} MiB`,
          `10 M readings ≈ ${fmt(((r.fileBytes / r.readings) * 1e7) / 2 ** 20)} MiB`,
        ],
        [
          'a day of 200 series at 10 s (raw + rollups)',
          `${fmt(perDay, 1)} MiB`,
          `a year of rollups alone ≈ ${fmt((SENSORS * 8640 * 365 * (roll / r.readings)) / 2 ** 30, 1)} GiB`,
        ],
      ],
    ),
    '',
    `What-if, same data (${SENSORS} series, interleaved as ingest writes them), other raw-table layouts`,
    "(`bench/lib/layouts.ts`; sizes from dbstat, not the hub's schema):",
    '',
    table(
      ['raw layout', 'bytes / reading', '≤ 12 B'],
      layouts.map((l) => [l.layout, fmt(l.bytesPerReading, 1), verdict(l.bytesPerReading, 12, false)]),
    ),
    '',
    'Tables and indexes, bytes: ' +
      Object.entries(r.tables)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([n, b]) => `\`${n}\` ${fmt(b / 2 ** 20, 1)} MiB`)
        .join(', ') +
      '.',
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'storage', title: 'Storage', command: 'npm run bench -- storage', body });
}
