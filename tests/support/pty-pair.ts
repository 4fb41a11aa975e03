import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A pair of linked pseudo-terminals made by Debian's `socat` (installed by .ci/run): what one end
 * writes, the other reads, like the two ends of a USB serial cable. Resolves once socat is copying.
 */
export async function ptyPair(endA: string, endB: string): Promise<ChildProcess> {
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${endA}`, `pty,raw,echo=0,link=${endB}`]);
  await new Promise<void>((resolve, reject) => {
    let log = '';
    socat.stderr?.on('data', (d) => {
      log += d;
      if (log.includes('starting data transfer loop')) resolve();
    });
    socat.on('exit', (code) => reject(new Error(`socat exited (${code}): ${log}`)));
  });
  return socat;
}
