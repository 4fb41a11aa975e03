import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './report.ts';

/** A server under test in its own process, so that its CPU and memory are measured apart. */
export interface ServerChild<I> {
  pid: number;
  info: I;
  proc: ChildProcess;
  /** sends a request and waits for the answer with the same `id` */
  ask<T>(msg: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** How `npm start` runs the hub (package.json): fewer glibc malloc arenas, a small V8 young generation. */
export const SHIPPED = {
  nodeArgs: ['--max-semi-space-size=1'],
  env: { MALLOC_ARENA_MAX: '2' },
} as const;

let nextId = 1;
const builds = new Map<string, Promise<string>>();

/**
 * Compiles `bench/servers/<script>` with the hub's own build (scripts/build-hub.mjs) into
 * dist/bench/, once per run: the servers run as plain JavaScript, like the shipped hub, and no
 * loader thread of tsx sits in the process being measured.
 */
function compiled(script: string): Promise<string> {
  let build = builds.get(script);
  if (!build) {
    const name = path.basename(script, '.ts');
    const outdir = path.join(ROOT, 'dist/bench', name);
    build = promisify(execFile)(
      process.execPath,
      ['scripts/build-hub.mjs', path.join('bench/servers', script), '--outdir', outdir],
      { cwd: ROOT },
    ).then(() => path.join(outdir, `${name}.js`));
    builds.set(script, build);
  }
  return build;
}

/**
 * Starts `bench/servers/<script>`, compiled (or through tsx with `BENCH_TSX=1`, to compare), in its
 * own process and waits for its `{ ready: true, ... }` message on the IPC channel. `cgroupProcs`:
 * `cgroup.procs` files the process joins before Node starts (a shell writes its pid, then execs
 * Node in its place), so that every byte the server allocates is charged to those cgroups — Linux
 * no longer moves a process's earlier charges with it.
 */
export async function startServer<I>(
  script: string,
  options: Record<string, unknown>,
  timeoutMs = 120_000,
  nodeArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
  cgroupProcs: readonly string[] = [],
): Promise<ServerChild<I>> {
  const program =
    process.env.BENCH_TSX === '1'
      ? ['--import', 'tsx', path.join(ROOT, 'bench/servers', script)]
      : ['--enable-source-maps', await compiled(script)];
  const argv = [...nodeArgs, ...program, JSON.stringify(options)];
  const join = cgroupProcs.map((f) => `echo $$ > ${shellQuote(f)} && `).join('');
  const command = cgroupProcs.length ? '/bin/sh' : process.execPath;
  const args = cgroupProcs.length ? ['-c', `${join}exec "$@"`, 'sh', process.execPath, ...argv] : argv;
  const proc = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const info = await new Promise<I>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready after ${timeoutMs} ms`)), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
    proc.on('message', (m: { ready?: boolean }) => {
      if (m?.ready) {
        clearTimeout(timer);
        resolve(m as I);
      }
    });
  });
  const pid = proc.pid ?? 0;
  const ask = <T>(msg: Record<string, unknown>, askTimeout = 600_000) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`${script}: no answer to ${msg.cmd}`)), askTimeout);
      const onMessage = (m: { id?: number; error?: string }) => {
        if (m?.id !== id) return;
        proc.off('message', onMessage);
        clearTimeout(timer);
        if (m.error) reject(new Error(m.error));
        else resolve(m as T);
      };
      proc.on('message', onMessage);
      proc.send({ ...msg, id });
    });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.send({ cmd: 'stop' });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  return { pid, info, proc, ask, stop };
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** For the server side: answers requests from the parent; `stop` ends the process. */
export function serveRequests(
  handlers: Record<
    string,
    (msg: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>
  >,
  stop: () => Promise<void>,
): void {
  process.on('message', (msg: Record<string, unknown> & { id?: number; cmd?: string }) => {
    if (msg.cmd === 'stop') {
      void stop().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[msg.cmd ?? ''];
    if (!handler) {
      process.send?.({ id: msg.id, error: `unknown command ${msg.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(msg))
      .then(
        (answer) => process.send?.({ ...answer, id: msg.id }),
        (err: Error) => process.send?.({ id: msg.id, error: err.message }),
      );
  });
  // the parent going away ends the server: no orphan keeps a port or the data directory
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
}

export function serverOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
