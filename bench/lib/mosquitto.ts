import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface Mosquitto {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** A free loopback port: mosquitto cannot listen on port 0 and report the port it got. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Debian's mosquitto on a free loopback port with a generated config: anonymous, no persistence,
 * queues large enough that a subscriber that falls behind loses nothing (the comparison is about
 * storing every reading).
 */
export async function startMosquitto(dir: string): Promise<Mosquitto> {
  if (!fs.existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} is missing: apt-get install -y mosquitto`);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_inflight_messages 1000',
      'max_queued_messages 1000000',
      'log_type error',
      // started as root, mosquitto would switch to a `mosquitto` user that may not exist
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: proc.pid ?? 0,
    port,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
