/**
 * CPU and memory of one node agent, and of the 8-household demo, each in its own process so that
 * /proc/<pid> measures it alone. Prints a markdown table; writes nothing.
 *
 *   npm run bench:agent            30 s per measurement
 *   BENCH_QUICK=1 npm run bench:agent
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub } from '../../tests/support/test-hub.ts';

const SECONDS = process.env.BENCH_QUICK === '1' ? 5 : 30;
/** USER_HZ on Linux: /proc/<pid>/stat counts CPU time in these ticks */
const TICKS_PER_S = 100;
const BIN = join(import.meta.dirname, '../../bin/communs.js');

interface Sample {
  cpuPercent: number;
  rssMb: number;
  peakMb: number;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5); after the command name they are 12th and 13th
  return Number(fields[11]) + Number(fields[12]);
}

function memMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function measure(pid: number, seconds: number): Promise<Sample> {
  const t0 = cpuTicks(pid);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const cpuPercent = ((cpuTicks(pid) - t0) / TICKS_PER_S / elapsed) * 100;
  return { cpuPercent, rssMb: memMb(pid, 'VmRSS'), peakMb: memMb(pid, 'VmHWM') };
}

/** Starts `communs ARGS` and resolves once a line of its output matches `ready`. */
function launch(args: string[], ready: RegExp, timeoutMs = 180_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${ready}" from communs ${args.join(' ')}`)),
      timeoutMs,
    );
    const onLine = (chunk: Buffer) => {
      if (ready.test(chunk.toString())) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', (code) => reject(new Error(`communs ${args.join(' ')} exited with ${code}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function oneAgent(): Promise<Sample> {
  const hub = await startTestHub({ demo: false });
  const dir = mkdtempSync(join(tmpdir(), 'communs-bench-agent-'));
  try {
    const { secret } = await hub.addNode('bench-node', { household: 'bench-h' });
    const config = {
      node: 'bench-node',
      secret,
      hub: hub.mqttUrl,
      board: { type: 'virtual', model: { kind: 'household', seed: 9, heatPump: true } },
      sensors: [
        { type: 'meter-pulses', id: 'meter', pin: 'D2' },
        { type: 'bme280', id: 'air' },
      ],
      publishIntervalS: 5,
      queue: { dir: 'queue' },
    };
    writeFileSync(join(dir, 'node.json'), JSON.stringify(config));
    const child = await launch(['node', '--config', join(dir, 'node.json')], /node agent running/);
    await new Promise((r) => setTimeout(r, 3000)); // past start-up: imports, handshake, first publish
    const sample = await measure(child.pid ?? 0, SECONDS);
    await stopChild(child);
    return sample;
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `communs hub` on `dir` and measures it once it has settled. */
async function hubProcess(dir: string, demo: boolean, firstStart: boolean): Promise<Sample> {
  const args = [
    'hub',
    '--data',
    dir,
    '--http-port',
    '0',
    '--mqtt-port',
    '0',
    ...(demo ? ['--demo', '8'] : ['--no-demo']),
  ];
  // on a first start with the demo, wait for the end of the backfill: a one-off, not the steady state
  const child = await launch(args, demo && firstStart ? /backfilled/ : /ready/i);
  await new Promise((r) => setTimeout(r, 5000));
  const sample = await measure(child.pid ?? 0, SECONDS);
  await stopChild(child);
  return sample;
}

const fmt = (s: Sample) =>
  `${s.cpuPercent.toFixed(2)} % | ${s.rssMb.toFixed(0)} MB | ${s.peakMb.toFixed(0)} MB`;

async function main(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.error(`measuring ${SECONDS} s each on ${cpus().length} cores (load ${load})…`);
  const agent = await oneAgent();
  const dir = mkdtempSync(join(tmpdir(), 'communs-bench-hub-'));
  const bare = await hubProcess(dir, false, true);
  const demoFirst = await hubProcess(dir, true, true);
  const demo = await hubProcess(dir, true, false);
  // the same hub on the same data, demo off: what the hub costs with three weeks of history
  const bareWithData = await hubProcess(dir, false, false);
  rmSync(dir, { recursive: true, force: true });
  const diff: Sample = {
    cpuPercent: demo.cpuPercent - bareWithData.cpuPercent,
    rssMb: demo.rssMb - bareWithData.rssMb,
    peakMb: demo.peakMb - bareWithData.peakMb,
  };
  console.log(
    `Measured ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at start ${load}, ${SECONDS} s per row. Rerun: \`npm run bench:agent\`.`,
  );
  console.log('');
  console.log('| process | CPU (% of one core) | RSS | peak RSS |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| one node agent (virtual board: meter pulses + BME280, 5 s interval) | ${fmt(agent)} |`);
  console.log(`| hub alone (--no-demo), empty data directory | ${fmt(bare)} |`);
  console.log(`| hub alone (--no-demo), with the demo's 3 weeks of history | ${fmt(bareWithData)} |`);
  console.log(`| hub with the demo, first start, after its 3-week backfill | ${fmt(demoFirst)} |`);
  console.log(`| hub with the demo (8 households + 3 places: 11 agents, 5 s interval) | ${fmt(demo)} |`);
  console.log(`| the demo's share (difference with the hub alone on the same data) | ${fmt(diff)} |`);
}

await main();
