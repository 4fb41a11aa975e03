import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Hub } from '../../hub/src/hub.ts';
import { openDb } from '../../hub/src/store/db.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { serveRequests, serverOptions } from '../lib/child.ts';
import { provisionNodes } from './provision.ts';
import { seedYear } from './seed-year.ts';

interface Options {
  dataDir?: string;
  nodes: number;
  commitWindowMs?: number;
  synchronous?: 'FULL' | 'NORMAL';
  /** seed a year of history for every node before starting (the query benchmark) */
  seedYear?: boolean;
  /** false: native readings through aedes, to compare with the fast path (hub/src/broker/fast-path.ts) */
  fastPath?: boolean;
  /** how often held readings are folded into SQLite (the hub's default: 30 minutes) */
  foldEveryMs?: number;
  /** serve the built dashboard (dashboard/dist) as the hub ships, rather than nothing */
  serveDashboard?: boolean;
  /** worker threads reading charts (the hub's default: 1; 0 reads on the hub's thread) */
  readWorkers?: number;
}

/**
 * The Communs hub as the benchmarks run it: the real `Hub` class, in this process alone, with
 * `count` nodes provisioned in bulk before it starts. Answers `{cmd: 'dbStats'}` with the
 * database's size per table.
 */
const opts = serverOptions<Options>();
const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-'));
const setup = openDb({ file: path.join(dataDir, 'communs.db'), synchronous: 'NORMAL' });
const sensorIds = provisionNodes(setup, opts.nodes);
let seeded: Record<string, number> = {};
if (opts.seedYear) seeded = seedYear(setup, sensorIds, Date.now());
setup.close();

const hub = new Hub({
  dataDir,
  httpPort: 0,
  mqttPort: 0,
  host: '127.0.0.1',
  ...(opts.commitWindowMs !== undefined ? { commitWindowMs: opts.commitWindowMs } : {}),
  synchronous: opts.synchronous ?? 'FULL',
  ...(opts.fastPath !== undefined ? { fastPath: opts.fastPath } : {}),
  ...(opts.foldEveryMs !== undefined ? { foldEveryMs: opts.foldEveryMs } : {}),
  ...(opts.readWorkers !== undefined ? { readWorkers: opts.readWorkers } : {}),
  ...(opts.serveDashboard ? {} : { staticRoot: path.join(dataDir, 'no-dashboard') }),
  log: (line) => {
    if (process.env.BENCH_VERBOSE) console.error(`hub: ${line}`);
  },
});
const urls = await hub.start();
// how long the hub's thread was busy at a stretch: a PUBACK or an HTTP answer waits that long
const loop = monitorEventLoopDelay({ resolution: 20 });
loop.enable();

serveRequests(
  {
    /** V8 heap and native memory, after a full GC when the process runs with --expose-gc */
    mem: () => {
      (globalThis as { gc?: () => void }).gc?.();
      return { ...process.memoryUsage() };
    },
    /** event-loop delay since the previous ask (or the start), ms; resets it */
    loopDelay: () => {
      const ms = (ns: number) => ns / 1e6;
      const out = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
      loop.reset();
      return out;
    },
    dbStats: () => {
      const db = hubDb(hub);
      const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{
        name: string;
        bytes: number;
      }>;
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return {
        tables: Object.fromEntries(rows.map((r) => [r.name, r.bytes])),
        readings: count('SELECT count(*) AS n FROM all_readings'),
        rollups: count('SELECT count(*) AS n FROM rollups'),
        pageSize: db.pragma('page_size', { simple: true }) as number,
      };
    },
  },
  async () => {
    await hub.stop();
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  },
);

process.send?.({
  ready: true,
  mqttPort: Number(new URL(urls.mqtt).port),
  httpPort: Number(new URL(urls.http).port),
  dataDir,
  seeded,
});
