import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runServiceCommand } from '../src/cli/service-command.ts';
import type { Runner, ServiceHost } from '../src/service/service-install.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** a temporary directory others may pass through, as /opt/communs is */
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-service-'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

async function run(argv: string[], host?: ServiceHost) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runServiceCommand(argv, {
    ...(host ? { host } : {}),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `systemd-analyze verify` on a unit file: every warning it prints counts as a failure. */
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
function verify(unit: string, name: string): { code: number; said: string } {
  const dir = tmp();
  const file = path.join(dir, `${name}.service`);
  fs.writeFileSync(file, unit);
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  return { code: r.status ?? -1, said: `${r.stdout}${r.stderr}`.trim() };
}

function nodeConfig(dir: string, board: object): string {
  const file = path.join(dir, 'kitchen.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      node: 'kitchen-meter',
      secret: 's3cret',
      hub: 'mqtt://hub.local:1883',
      board,
      sensors: [{ id: 'meter', type: 'meter-pulses', pin: 'D2', pulsesPerKwh: 1000 }],
      queue: { dir: 'queue' },
    }),
    { mode: 0o644 },
  );
  return file;
}

/** A machine with systemd, where commands are recorded instead of run (no systemd runs in tests). */
function recordingHost(opts: { users?: string[]; root?: boolean; systemd?: boolean; fail?: string } = {}) {
  const calls: string[] = [];
  const unitDir = path.join(tmp(), 'etc/systemd/system');
  const runner: Runner = (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    calls.push(line);
    if (opts.fail && line.startsWith(opts.fail)) return { code: 1, stdout: '', stderr: 'Failed: nope\nmore' };
    if (cmd === 'id') return { code: opts.users?.includes(args[1] ?? '') ? 0 : 1, stdout: '', stderr: '' };
    if (cmd === 'systemctl' && args[0] === 'is-active') return { code: 0, stdout: 'active\n', stderr: '' };
    if (cmd === 'systemctl' && args[0] === 'is-enabled') return { code: 0, stdout: 'enabled\n', stderr: '' };
    if (cmd === 'systemctl' && args[0] === 'show')
      return { code: 0, stdout: 'MainPID=42\nNRestarts=0\n', stderr: '' };
    if (cmd === 'journalctl') return { code: 0, stdout: 'ready\n', stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
  const log: string[] = [];
  const host: ServiceHost = {
    run: runner,
    unitDir,
    systemdRunning: opts.systemd ?? true,
    isRoot: opts.root ?? true,
    log: (l) => log.push(l),
  };
  return { host, calls, unitDir, log };
}

describe('communs service: the systemd units', () => {
  it.skipIf(!analyze)('prints a hub unit that systemd-analyze verifies without a word', async () => {
    const r = await run(['install', '--print']);
    expect(r.code).toBe(0);
    const v = verify(r.out, 'communs-hub');
    expect(v.said).toBe('');
    expect(v.code).toBe(0);
  });

  it.skipIf(!analyze)('systemd-analyze catches a broken directive (the check can fail)', async () => {
    const r = await run(['install', '--print']);
    const broken = r.out.replace('ProtectSystem=strict', 'ProtectSystem=stricter');
    expect(verify(broken, 'communs-hub').said).toMatch(/protect system/i);
  });

  it('runs node the way npm start does: the same environment and memory flags', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const start: string = pkg.scripts.start;
    const unit = (await run(['install', '--print'])).out;
    for (const env of start.match(/\b[A-Z_]+=\S+/g) ?? []) expect(unit).toContain(`Environment=${env}`);
    const exec = unit.split('\n').find((l) => l.startsWith('ExecStart=')) ?? '';
    for (const flag of start.match(/ --[a-z-]+=\S+/g) ?? []) expect(exec).toContain(flag.trim());
    expect(exec).toContain(`${process.execPath} `);
    expect(exec).toContain(path.join(ROOT, 'bin/communs.js'));
    expect(exec).toContain(' hub --data /var/lib/communs --host 0.0.0.0 ');
    expect(exec).toMatch(/--no-demo$/);
    // defaults are left to the hub; a flag the admin chose is written out
    expect(exec).not.toContain('--commit-window');
    const chosen = (await run(['install', '--print', '--commit-window', '300'])).out;
    expect(chosen).toMatch(/--commit-window 300 /);
  });

  it('restarts on failure, logs to the journal, runs as its user, writes only its data directory', async () => {
    const unit = (await run(['install', '--print', '--data', '/srv/communs', '--user', 'hub'])).out;
    for (const line of [
      'Restart=on-failure',
      'StandardOutput=journal',
      'User=hub',
      'ProtectSystem=strict',
      'ReadWritePaths=/srv/communs',
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
      'PrivateDevices=yes',
      'WantedBy=multi-user.target',
    ])
      expect(unit.split('\n')).toContain(line);
  });

  it('may bind NTP port 123 by default, and gets no capability with --ntp-port off', async () => {
    const withNtp = (await run(['install', '--print'])).out;
    expect(withNtp).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE\n');
    const without = (await run(['install', '--print', '--ntp-port', 'off'])).out;
    expect(without).not.toContain('AmbientCapabilities');
    expect(without.split('\n')).toContain('CapabilityBoundingSet=');
    expect(without).toContain('--ntp-port off');
  });

  it.skipIf(!analyze)(
    'opens only the serial console device when asked, through the dialout group',
    async () => {
      const device = '/dev/ttyUSB0';
      const r = await run(['install', '--print', '--console', device]);
      expect(r.code).toBe(0);
      const lines = r.out.split('\n');
      expect(lines).toContain(`DeviceAllow=${device} rw`);
      expect(lines).toContain('DevicePolicy=closed');
      expect(lines).toContain('SupplementaryGroups=dialout');
      expect(lines).not.toContain('PrivateDevices=yes');
      expect(r.out).toContain(`--console ${device} --console-baud 115200`);
      expect(verify(r.out, 'communs-hub')).toEqual({ code: 0, said: '' });
    },
  );

  it.skipIf(!analyze)('writes a node agent unit: its config, its queue, its serial board', async () => {
    const dir = tmp();
    const config = nodeConfig(dir, { type: 'serial', path: '/dev/ttyUSB1' });
    const r = await run(['install', '--print', '--node', config]);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines.find((l) => l.startsWith('ExecStart='))).toMatch(
      /communs\.js node --config \S+kitchen\.json$/,
    );
    expect(lines).toContain(`ReadWritePaths=${path.join(dir, 'queue')}`);
    expect(lines).toContain('DeviceAllow=/dev/ttyUSB1 rw');
    expect(lines).toContain('SupplementaryGroups=dialout');
    expect(lines).toContain('SyslogIdentifier=communs-node-kitchen-meter');
    expect(verify(r.out, 'communs-node-kitchen-meter')).toEqual({ code: 0, said: '' });
  });

  it('keeps /home readable when the config lives there, hidden otherwise', async () => {
    const home = fs.mkdtempSync('/home/communs-test-');
    fs.chmodSync(home, 0o755);
    try {
      const inHome = (await run(['install', '--print', '--node', nodeConfig(home, { type: 'virtual' })])).out;
      expect(inHome.split('\n')).toContain('ProtectHome=read-only');
      const elsewhere = (await run(['install', '--print', '--node', nodeConfig(tmp(), { type: 'virtual' })]))
        .out;
      expect(elsewhere.split('\n')).toContain(
        ROOT.startsWith('/home/') ? 'ProtectHome=read-only' : 'ProtectHome=yes',
      );
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('a node on a virtual board opens no device', async () => {
    const config = nodeConfig(tmp(), { type: 'virtual' });
    const unit = (await run(['install', '--print', '--node', config])).out;
    expect(unit.split('\n')).toContain('PrivateDevices=yes');
    expect(unit).not.toContain('dialout');
  });

  it('every mistake is one line naming it, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['install', '--ntp-port', 'lots'], /--ntp-port must be a port number.*got "lots"/],
      [['install', '--broker-password', 'x'], /Unknown option '--broker-password'/],
      [['install', '--node', '/nonexistent/x.json'], /x\.json/],
      [['install', '--node', '/x.json', '--data', '/d'], /--data is a hub option/],
      [['install', '--user', 'Root!'], /--user must be a system user name/],
      [['install', '--print', '--console', '/tmp/pty'], /--console must be a serial device under \/dev/],
      [['restart'], /unknown action "restart"/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.split('\n')).toHaveLength(1);
    }
  });
});

describe('communs service: install, uninstall, status', () => {
  it('creates the user, gives it the data directory, writes the unit, enables and starts it', async () => {
    const data = path.join(tmp(), 'data');
    const { host, calls, unitDir } = recordingHost();
    const r = await run(['install', '--data', data], host);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      'id -u communs',
      'useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin communs',
      `chown communs:communs ${data}`,
      'systemctl daemon-reload',
      'systemctl enable --now communs-hub.service',
    ]);
    expect(fs.statSync(data).mode & 0o777).toBe(0o750);
    const unit = fs.readFileSync(path.join(unitDir, 'communs-hub.service'), 'utf8');
    expect(unit).toContain(`ReadWritePaths=${data}`);
    expect(fs.statSync(path.join(unitDir, 'communs-hub.service')).mode & 0o777).toBe(0o644);
  });

  it('keeps an existing user, and closes the node config (it holds the secret) to others', async () => {
    const dir = tmp();
    const config = nodeConfig(dir, { type: 'virtual' });
    const { host, calls } = recordingHost({ users: ['communs'] });
    const r = await run(['install', '--node', config], host);
    expect(r.err).toBe('');
    expect(calls).toEqual([
      'id -u communs',
      `chown communs:communs ${path.join(dir, 'queue')}`,
      `chown root:communs ${config}`,
      'systemctl daemon-reload',
      'systemctl enable --now communs-node-kitchen-meter.service',
    ]);
    expect(fs.statSync(config).mode & 0o777).toBe(0o640);
  });

  it('says in one line when systemd is absent, when not root, and which step failed', async () => {
    const data = path.join(tmp(), 'data');
    const noSystemd = await run(['install', '--data', data], recordingHost({ systemd: false }).host);
    expect(noSystemd.code).toBe(1);
    expect(noSystemd.err).toMatch(/systemd does not run this machine: .*--print/);
    const notRoot = await run(['install', '--data', data], recordingHost({ root: false }).host);
    expect(notRoot.err).toMatch(/needs root: run it with sudo$/);
    const failing = await run(['install', '--data', data], recordingHost({ fail: 'systemctl enable' }).host);
    expect(failing.code).toBe(1);
    expect(failing.err).toBe(
      'communs service: could not start communs-hub: systemctl enable --now communs-hub.service said "Failed: nope"',
    );
  });

  it('refuses a config the service user could not reach (a home directory closed to others)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-home-'));
    const config = nodeConfig(dir, { type: 'virtual' });
    const { host, calls } = recordingHost();
    const r = await run(['install', '--node', config], host);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `communs service: the service user cannot read ${config}: ${dir} is closed to others — keep Communs and its configs under /opt/communs (docs/DEPLOY.md) or chmod o+x ${dir}`,
    );
    expect(calls).toEqual([]);
  });

  it('status reports systemd state and the last log lines; uninstall keeps the data', async () => {
    const data = path.join(tmp(), 'data');
    const { host, calls, unitDir, log } = recordingHost({ users: ['communs'] });
    expect((await run(['status'], host)).code).toBe(3);
    expect(log.at(-1)).toMatch(/not installed/);
    await run(['install', '--data', data], host);
    log.length = 0;
    expect((await run(['status'], host)).code).toBe(0);
    expect(log[0]).toBe(
      `communs-hub: active, enabled at boot (${path.join(unitDir, 'communs-hub.service')})`,
    );
    expect(log).toContain('  ready');
    calls.length = 0;
    expect((await run(['uninstall'], host)).code).toBe(0);
    expect(calls).toEqual(['systemctl disable --now communs-hub.service', 'systemctl daemon-reload']);
    expect(fs.existsSync(path.join(unitDir, 'communs-hub.service'))).toBe(false);
    expect(fs.existsSync(data)).toBe(true);
  });
});
