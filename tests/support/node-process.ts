import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/communs.js');

/** `communs node --config FILE` in a child process, its output kept line by line. */
export interface NodeProcess {
  child: ChildProcess;
  lines: string[];
  /** resolves with the first line matching `re` (already printed or to come) */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

export function startNodeProcess(dir: string, config: object): NodeProcess {
  const file = join(dir, `node-${Math.random().toString(16).slice(2, 8)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [BIN, 'node', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  const take = (d: Buffer) => {
    const text = partial + d.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return {
    child,
    lines,
    async waitFor(re, ms = 30_000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = lines.find((l) => re.test(l));
        if (found) return found;
        if (Date.now() > until || child.exitCode !== null)
          throw new Error(`no line matching ${re} from communs node:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
  };
}
