import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

/** Processes whose command line names `text`: socat's names the pseudo-terminals' links. */
function processesNaming(text: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(text) && cmdline.startsWith('socat')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/**
 * A demo's Linky households talk to the agent through socat; a process that dies without stopping
 * them (a test worker killed at its timeout, `kill -9` of a bench) must not leave socat running.
 */
describe('socat started for a pseudo-terminal pair', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('ends when the process that started it is killed outright', async () => {
    const script = `
      const { meterWire } = await import('./firmware/virtual/meters/meter-wire.ts');
      const wire = await meterWire('tied');
      console.log(wire.path);
      setInterval(() => {}, 1000);`;
    child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const link = await new Promise<string>((resolve, reject) => {
      child?.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child?.once('exit', (code) => reject(new Error(`the child exited (${code})`)));
    });
    expect(link).toMatch(/tied-tty$/);
    expect(processesNaming(link)).toHaveLength(1);
    child.kill('SIGKILL');
    expect(await until(() => processesNaming(link).length === 0, 5000)).toBe(true);
  }, 30_000);
});
