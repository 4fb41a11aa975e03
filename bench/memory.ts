import { idleClients, replayHour } from './lib/load.ts';
import { sampleProc } from './lib/proc.ts';
import { table, verdict, writeSection } from './lib/report.ts';
import { fmt } from './lib/stats.ts';
import { startHub } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Median VmRSS over a few samples a quarter second apart (GC makes single samples jumpy). */
async function rssMb(pid: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(sampleProc(pid).rssKb / 1024);
    await settle(250);
  }
  return xs.sort((a, b) => a - b)[2] ?? Number.NaN;
}

export async function memoryBench(ctx: BenchContext): Promise<void> {
  const hub = await startHub({ nodes: 1000 });
  const pid = hub.pids[0] as number;
  const rows: string[][] = [];
  let closeAll: Array<() => void> = [];
  try {
    await settle(2000);
    const idle = await rssMb(pid);
    rows.push(['idle, no connection', fmt(idle, 1), '']);
    const first = await idleClients(hub.target, 200, nodeId);
    closeAll.push(first.close);
    await settle(2000);
    const with200 = await rssMb(pid);
    rows.push([
      '200 idle nodes connected',
      fmt(with200, 1),
      `budget ≤ 120 MB: ${verdict(with200, 120, false)}`,
    ]);
    const more = await idleClients(hub.target, 800, (i) => nodeId(200 + i));
    closeAll.push(more.close);
    await settle(2000);
    const with1000 = await rssMb(pid);
    const perConn = ((with1000 - with200) * 1024) / 800;
    rows.push(['1,000 idle nodes connected', fmt(with1000, 1), '']);
    rows.push([
      'per extra idle connection',
      `${fmt(perConn, 1)} KB`,
      `budget ≤ 10 KB: ${verdict(perConn, 10, false)}`,
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
    const after = await rssMb(pid);
    rows.push([
      `after an hour-equivalent of load (${fmt(readings)} readings from 200 nodes)`,
      fmt(after, 1),
      '',
    ]);
  } finally {
    for (const c of closeAll) c();
    await hub.stop();
  }
  const body = [
    'Resident memory (VmRSS, median of 5 samples) of the hub process alone, 1,000 nodes provisioned,',
    'clients connected over MQTT/TCP with their credentials and left idle. The 8-household demo',
    '(firmware/demo) is replaced by 200 simulated households, one power reading each 10 s, an hour of',
    'them sent as fast as the hub acknowledges.',
    '',
    table(['state', 'RSS MB', 'budget'], rows),
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'memory', title: 'Memory', command: 'npm run bench -- memory', body });
}
