import { SHIPPED } from './lib/child.ts';
import { idleClients, replayHour } from './lib/load.ts';
import { sampleProc } from './lib/proc.ts';
import { table, verdict, writeSection } from './lib/report.ts';
import { fmt } from './lib/stats.ts';
import { type System, startHub } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Mem {
  rss: number;
  heap: number;
}

/** Median VmRSS over 5 samples a quarter second apart, and the V8 heap after a full GC, in MB. */
async function measure(sys: System): Promise<Mem> {
  const pid = sys.pids[0] as number;
  const heap = (await sys.hub?.ask<{ heapUsed: number }>({ cmd: 'mem' }))?.heapUsed ?? Number.NaN;
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(sampleProc(pid).rssKb / 1024);
    await settle(250);
  }
  return { rss: xs.sort((a, b) => a - b)[2] ?? Number.NaN, heap: heap / 2 ** 20 };
}

export async function memoryBench(ctx: BenchContext): Promise<void> {
  const hub = await startHub({ nodes: 1000 }, ['--expose-gc', ...SHIPPED.nodeArgs], SHIPPED.env);
  const rows: string[][] = [];
  let closeAll: Array<() => void> = [];
  const row = (label: string, m: Mem, budget = '') =>
    rows.push([label, fmt(m.rss, 1), fmt(m.heap, 1), budget]);
  try {
    await settle(2000);
    const fresh = await measure(hub);
    row('idle, just started, no connection', fresh);
    // every node logs in once first: the scrypt check of a first login (1 MB of scratch memory
    // each, on libuv's threads) grows malloc arenas, which is not the cost of a connection
    ctx.log('logging in 1,000 nodes once');
    for (let i = 0; i < 1000; i += 200) (await idleClients(hub.target, 200, (j) => nodeId(i + j))).close();
    await settle(2000);
    const idle = await measure(hub);
    row('idle, after every node logged in once', idle);
    const first = await idleClients(hub.target, 200, nodeId);
    closeAll.push(first.close);
    await settle(2000);
    const with200 = await measure(hub);
    row('200 idle nodes connected', with200, `≤ 120 MB: ${verdict(with200.rss, 120, false)}`);
    const more = await idleClients(hub.target, 800, (i) => nodeId(200 + i));
    closeAll.push(more.close);
    await settle(2000);
    const with1000 = await measure(hub);
    row('1,000 idle nodes connected', with1000);
    const perConn = ((with1000.rss - with200.rss) * 1024) / 800;
    const perConnHeap = ((with1000.heap - with200.heap) * 1024) / 800;
    rows.push([
      'per extra idle connection (200 → 1,000)',
      `${fmt(perConn, 1)} KB`,
      `${fmt(perConnHeap, 1)} KB`,
      `≤ 10 KB: ${verdict(perConn, 10, false)}`,
    ]);
    for (const c of closeAll) c();
    closeAll = [];
    await settle(1000);
    ctx.log('an hour-equivalent of 200 households (72,000 readings) in fast motion');
    const readings = await replayHour(hub.target, {
      clients: 200,
      perClient: ctx.quick ? 60 : 360,
      nodeOf: nodeId,
    });
    await settle(3000);
    row(`after an hour-equivalent of load (${fmt(readings)} readings from 200 nodes)`, await measure(hub));
  } finally {
    for (const c of closeAll) c();
    await hub.stop();
  }
  const body = [
    'Resident memory (VmRSS, median of 5 samples) and V8 heap in use after a full GC, of the hub process',
    'alone, 1,000 nodes provisioned, clients connected over MQTT/TCP with their credentials and left',
    'idle. The hub runs as it ships: compiled to JavaScript (scripts/build-hub.mjs, no tsx loader thread in',
    'the process) with the flags of `npm start` (`MALLOC_ARENA_MAX=2`, `--max-semi-space-size=1`).',
    'The hour-equivalent replays 200 simulated households, one power reading each 10 s, as fast as',
    'acknowledged.',
    '',
    table(['state', 'RSS MB', 'V8 heap MB', 'budget'], rows),
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'memory', title: 'Memory', command: 'npm run bench -- memory', body });
}
