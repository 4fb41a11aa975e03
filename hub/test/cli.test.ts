import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/communs.js');
const children: ChildProcess[] = [];

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const output = () => ({ stdout, stderr });
  const waitFor = async (re: RegExp, ms = 20_000) => {
    const until = Date.now() + ms;
    while (!re.test(stdout)) {
      if (Date.now() > until || child.exitCode !== null)
        throw new Error(`no ${re} in:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exit, output, waitFor };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'communs-cli-'));
const common = ['--no-demo', '--http-port', '0', '--mqtt-port', '0'];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('communs hub command line', () => {
  it('prints the URLs it listens on and "ready", then stops cleanly on SIGTERM', async () => {
    const data = tmp();
    const h = start(['hub', ...common, '--data', data]);
    await h.waitFor(/^ready$/m);
    const { stdout } = h.output();
    const http = stdout.match(/dashboard\s+(http:\/\/127\.0\.0\.1:\d+\/)/)?.[1];
    expect(http).toBeDefined();
    expect(stdout).toMatch(/MQTT\s+mqtt:\/\/127\.0\.0\.1:\d+/);
    const health = await fetch(`${http}api/health`);
    expect(health.status).toBe(200);
    h.child.kill('SIGTERM');
    expect(await h.exit).toBe(0);
    expect(h.output().stdout).toContain('stopped cleanly');
    expect(fs.existsSync(path.join(data, 'hub.lock'))).toBe(false);
  });

  it('takes its settings from COMMUNS_* environment variables', async () => {
    const data = tmp();
    const h = start(['hub', '--no-demo'], {
      COMMUNS_DATA: data,
      COMMUNS_HTTP_PORT: '0',
      COMMUNS_MQTT_PORT: '0',
    });
    await h.waitFor(/^ready$/m);
    expect(h.output().stdout).toContain(`data in ${data}`);
    h.child.kill('SIGINT');
    expect(await h.exit).toBe(0);
  });

  it('refuses a second hub on the same data directory with one clear line', async () => {
    const data = tmp();
    const first = start(['hub', ...common, '--data', data]);
    await first.waitFor(/^ready$/m);
    const second = start(['hub', ...common, '--data', data]);
    expect(await second.exit).toBe(1);
    const { stderr } = second.output();
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/another hub \(pid \d+\) is running/);
  });

  it('says which port is in use and how to fix it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const h = start(['hub', '--no-demo', '--http-port', '0', '--mqtt-port', String(port), '--data', tmp()]);
    expect(await h.exit).toBe(1);
    const { stderr } = h.output();
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`MQTT port ${port} (--mqtt-port) is in use`);
    expect(stderr).not.toMatch(/\n\s+at /);
    blocker.close();
  });

  const badFlags: Array<[string[], RegExp]> = [
    [['--http-port', 'eighty'], /--http-port must be a port number/],
    [['--mqtt-port', '70000'], /--mqtt-port must be a port number/],
    [['--demo', '0'], /--demo must be a whole number from 1/],
    [['--demo', '--no-demo'], /contradict/],
    [['--colour'], /Unknown option '--colour'/],
    [['--host', 'bad host!'], /--host must be an address/],
  ];
  for (const [flags, message] of badFlags) {
    it(`rejects ${flags.join(' ')} with one line and exit code 2`, async () => {
      const h = start(['hub', ...flags]);
      expect(await h.exit).toBe(2);
      const { stderr } = h.output();
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    });
  }

  it('explains a data directory it cannot write', async () => {
    const file = path.join(tmp(), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const h = start(['hub', ...common, '--data', path.join(file, 'data')]);
    expect(await h.exit).toBe(1);
    expect(h.output().stderr).toMatch(/data directory .* choose a writable directory with --data/);
  });

  it('communs console -c provisions a node while no hub runs, and exits with the command status', async () => {
    const data = tmp();
    const add = start([
      'console',
      '--data',
      data,
      '-c',
      'household add h1 "Les Tilleuls" --sharing community',
    ]);
    expect(await add.exit).toBe(0);
    const node = start(['console', '--data', data, '-c', 'node add n1 --household h1']);
    expect(await node.exit).toBe(0);
    expect(node.output().stdout).toMatch(/MQTT password: \S{20,}/);
    const bad = start(['console', '--data', data, '-c', 'node add n1 --household nowhere']);
    expect(await bad.exit).toBe(2);
    expect(bad.output().stdout).toMatch(/^error: /m);
  });
});
