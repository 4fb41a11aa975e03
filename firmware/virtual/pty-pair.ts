import { type ChildProcess, spawn } from 'node:child_process';

/**
 * socat runs under a small shell that reads a pipe from this process: when this process ends, however
 * it ends (a killed test worker, a demo stopped with `kill -9`), the pipe closes, `read` returns and
 * the shell stops socat — no socat is left behind holding two pseudo-terminals. SIGTERM to the shell
 * (`kill()`) stops socat too, and the shell exits once socat has.
 */
const TIED = [
  'command -v "$0" >/dev/null || exit 127',
  `trap 'kill $p 2>/dev/null; wait $p; exit 0' TERM INT HUP`,
  '"$0" "$@" & p=$!',
  'read _',
  'kill $p 2>/dev/null',
  'wait $p',
].join('; ');

/**
 * A pair of linked pseudo-terminals made by Debian's `socat` (`apt-get install socat`): what one end
 * writes, the other reads, like the two ends of a USB serial cable; `endA` and `endB` are the links
 * to them. Resolves once socat is copying; rejects with socat's own words when it is missing or does
 * not start within 5 s. `command`: socat unless a test names one that does not exist.
 */
export function ptyPair(endA: string, endB: string, command = 'socat'): Promise<ChildProcess> {
  const args = ['-d', '-d', `pty,raw,echo=0,link=${endA}`, `pty,raw,echo=0,link=${endB}`];
  const shell = spawn('sh', ['-c', TIED, command, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      shell.kill();
      reject(new Error(`${command}: ${why}${log ? `: ${log.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail('no pseudo-terminals within 5 s'), 5000);
    shell.once('error', (err) => fail(err.message));
    shell.once('exit', (code) => fail(code === 127 ? 'not installed' : `exited (${code})`));
    shell.stderr?.on('data', (d) => {
      log += d;
      if (!log.includes('starting data transfer loop')) return;
      clearTimeout(timer);
      shell.removeAllListeners('exit');
      shell.removeAllListeners('error');
      shell.stderr?.removeAllListeners('data');
      shell.stderr?.resume();
      resolve(shell);
    });
  });
}
