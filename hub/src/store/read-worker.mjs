// A reader of the hub's database in a thread of its own (hub/src/store/read-pool.ts): its own
// read-only connection runs the statements it was given, so that a chart's SQL does not wait behind
// ingest and HTTP on the hub's thread. Plain JavaScript, so that it runs the same under tsx, in the
// tests and in the compiled hub. The store's other adapter of better-sqlite3 is db.ts.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma(`cache_size = -${workerData.cacheKib}`);
// pages read through a memory map instead of a read() call and a copy each: a day chart walks ~90
// pages of 1 KiB, and with the map its query costs ~0.5 ms instead of ~0.8 ms (docs/PERFORMANCE.md
// "Queries"); the mapped pages are the kernel's file cache, shared and reclaimable. Where mapping
// fails (some FUSE mounts), SQLite reads as before.
db.pragma(`mmap_size = ${workerData.mmapBytes}`);
db.pragma('busy_timeout = 5000');
const statements = new Map(
  Object.entries(workerData.statements).map(([name, sql]) => [name, db.prepare(sql).raw()]),
);

parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const stmt = statements.get(m.name);
    if (!stmt) throw new Error(`no statement "${m.name}"`);
    parentPort.postMessage({ id: m.id, row: stmt.get(...m.params) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: err.message });
  }
});
parentPort.postMessage({ ready: true });
