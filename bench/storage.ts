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
  /** readings still rows (the last hour) and readings packed into blocks */
  rows: number;
  packed: number;
  packMs: number;
  packWriteBytes: number;
  blocks: number;
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
  const blocks = bytesOf(r.tables, (n) => n.startsWith('reading_blocks'));
  const rows = raw - blocks;
  const roll = bytesOf(r.tables, (n) => n.startsWith('rollup') || n.startsWith('sqlite_autoindex_rollup'));
  // a hub keeps the last hour as rows and the rest of its 30 days packed: the steady state
  const perPacked = blocks / r.packed;
  const perRow = rows / r.rows;
  const perRaw = (perPacked * 719 + perRow) / 720;
  const perRollup = roll / r.rollups;
  const written = r.writeBytes / r.readings;
  const perDay = (SENSORS * 8640 * (perRaw + roll / r.readings)) / 2 ** 20;
  ctx.log('what-if: the same readings in other raw layouts');
  const layouts = measureLayouts(SENSORS, ctx.quick ? 200 : 1000, householdPower);
  const body = [
    `${fmt(r.readings)} readings (${SENSORS} power series, 10 s apart, one decimal) loaded through`,
    `\`ReadingsStore.commit\` (the ingest path, rollups included), ${perCommit} readings a transaction,`,
    `synchronous=FULL, page size ${r.pageSize} B, in ${fmt(r.loadMs / 1000, 1)} s; then the hub's packer`,
    `(\`hub/src/store/packer.ts\`) moved the ${fmt(r.packed)} readings older than an hour into ${fmt(r.blocks)} blocks`,
    `in ${fmt(r.packMs / 1000, 1)} s, leaving ${fmt(r.rows)} as rows. Measured at ${fmt(readings / 1e6, 1)} M readings and`,
    'extrapolated to 10 M: every figure below is per row or per block, and B-tree pages fill the same',
    'way past the first thousand pages. A running hub holds one hour as rows and the rest of its 30',
    'days of raw retention packed: the raw figure is that mix (719 parts packed, 1 part rows).',
    "Sizes from SQLite's `dbstat` (pages of each table and index, free space included).",
    '',
    table(
      ['measure', 'value', 'compare'],
      [
        [
          'bytes on disk per raw reading (30 days: 1 h rows, the rest packed)',
          fmt(perRaw, 1),
          `emoncms: 4 B/point fixed-interval, 9 B/point variable-interval; budget ≤ 12 B: ${verdict(perRaw, 12, false)}`,
        ],
        [
          'bytes per packed reading (`reading_blocks` and its index)',
          fmt(perPacked, 1),
          `${fmt(r.packed / r.blocks, 0)} readings a block, ${fmt(blocks / r.blocks, 0)} B a block with its index entry`,
        ],
        [
          'bytes per recent reading (`readings` rows)',
          fmt(perRow, 1),
          'one row per reading, primary key (sensor_id, ts)',
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
          'bytes written per packed reading (packer)',
          fmt(r.packWriteBytes / r.packed, 0),
          'blocks written, rows deleted: WAL frames + checkpoint',
        ],
        [
          'file after packing and checkpoint',
          `${fmt(r.fileBytes / 2 ** 20, 1)} MiB`,
          "pages freed by packed rows included: the next hour's rows reuse them",
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
