import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../hub/src/store/db.ts';
import { Packer } from '../../hub/src/store/packer.ts';
import { PackedRanges } from '../../hub/src/store/raw-readings.ts';
import { type CommitEntry, ReadingsStore } from '../../hub/src/store/readings-store.ts';
import { Registry } from '../../hub/src/store/registry.ts';
import { commitNow } from '../../hub/test/commit-entry.ts';
import { serveRequests, serverOptions } from '../lib/child.ts';
import { sampleProc } from '../lib/proc.ts';
import { provisionNodes } from './provision.ts';
import { householdPower } from './seed-year.ts';

/**
 * The storage benchmark's loader, in its own process so that /proc/<pid>/io counts its writes
 * alone: `readings` readings of `sensors` power series, 10 s apart, through `ReadingsStore.commit`
 * (the path ingest uses, rollups included), `perCommit` readings a transaction, synchronous=FULL;
 * then the hub's packer moves those older than an hour into blocks, as a running hub does.
 */
const opts = serverOptions<{ sensors: number; readings: number; perCommit: number }>();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-storage-'));
const file = path.join(dir, 'communs.db');
const db = openDb({ file, synchronous: 'FULL' });
const ids = provisionNodes(db, opts.sensors);
const registry = new Registry({ db });
registry.load();
const ranges = new PackedRanges({ db });
const store = new ReadingsStore({ db, registry, packed: ranges });
const sensors = ids.map((id) => registry.sensorById(id)).filter((s) => s !== undefined);

const before = sampleProc(process.pid);
const start = Date.now() - Math.ceil(opts.readings / sensors.length) * 10_000;
let seq = 0;
let entries: CommitEntry[] = [];
const anyTime = { maxPastMs: Number.POSITIVE_INFINITY, maxFutureMs: Number.POSITIVE_INFINITY };
for (let i = 0; i < opts.readings; i++) {
  const sensor = sensors[i % sensors.length];
  if (!sensor) continue;
  const ts = start + Math.floor(i / sensors.length) * 10_000 + (i % 7);
  const value = Math.round(householdPower(sensor.id, ts) * 10) / 10;
  entries.push({
    node: sensor.node_id,
    receivedAt: Date.now(),
    readings: [
      { sensor: sensor.sensor, quantity: sensor.quantity, unit: sensor.unit, ts, seq: seq++, value },
    ],
  });
  if (entries.length >= opts.perCommit) {
    commitNow(store, entries, anyTime);
    entries = [];
  }
}
if (entries.length) commitNow(store, entries, anyTime);
db.pragma('wal_checkpoint(TRUNCATE)');
const after = sampleProc(process.pid);
// then what the hub's packer does to them: readings older than an hour into blocks
const packer = new Packer({ db, ranges, log: () => {} });
const packed = await packer.pack();
db.pragma('wal_checkpoint(TRUNCATE)');
const afterPack = sampleProc(process.pid);

const tables = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{
  name: string;
  bytes: number;
}>;
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const result = {
  ready: true,
  loadMs: after.at - before.at,
  writeBytes: after.writeBytes - before.writeBytes,
  fileBytes: fs.statSync(file).size,
  pageSize: db.pragma('page_size', { simple: true }) as number,
  tables: Object.fromEntries(tables.map((t) => [t.name, t.bytes])),
  readings: count('all_readings'),
  rows: count('readings'),
  packed,
  packMs: afterPack.at - after.at,
  packWriteBytes: afterPack.writeBytes - after.writeBytes,
  blocks: count('reading_blocks'),
  rollups: count('rollups'),
};
serveRequests({}, async () => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
process.send?.(result);
