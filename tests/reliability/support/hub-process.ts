import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface HubProcess {
  proc: ChildProcess;
  httpUrl: string;
  mqttUrl: string;
  /** everything the hub printed (stdout and stderr) */
  output: () => string;
  /** the power cut: SIGKILL, resolves once the process is gone */
  kill9: () => Promise<void>;
  /** a clean stop: SIGTERM, resolves with the exit code */
  stop: () => Promise<number | null>;
}

/**
 * The real `communs hub` command in its own process (what a Raspberry Pi runs), on free ports.
 * Resolves once it printed "ready". `preload` adds `--import` modules (the outbound-socket watch).
 */
export function spawnHub(
  dataDir: string,
  opts: { args?: string[]; preload?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<HubProcess> {
  const nodeArgs = [...(opts.preload ?? []).flatMap((p) => ['--import', p])];
  const args = opts.args ?? ['--no-demo'];
  const proc = spawn(
    process.execPath,
    [
      ...nodeArgs,
      'bin/communs.js',
      'hub',
      ...args,
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      '--data',
      dataDir,
    ],
    { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`hub did not print "ready" in time:\n${out}`));
    }, opts.timeoutMs ?? 30_000);
    const onData = () => {
      if (!/^ready$/m.test(out)) return;
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      const http = /dashboard\s+(\S+)/.exec(out)?.[1] ?? '';
      const mqtt = /MQTT\s+(\S+)/.exec(out)?.[1] ?? '';
      resolve({
        proc,
        httpUrl: http.replace(/\/$/, ''),
        mqttUrl: mqtt,
        output: () => out,
        kill9: async () => {
          proc.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          proc.kill('SIGTERM');
          return exited;
        },
      });
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited (${code}) before "ready":\n${out}`));
    });
  });
}
