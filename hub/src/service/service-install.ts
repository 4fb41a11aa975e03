import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Runs a system command (useradd, chown, systemctl); injected so the steps can be tested. */
export type Runner = (cmd: string, args: string[]) => { code: number; stdout: string; stderr: string };

export const systemRunner: Runner = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return { code: 127, stdout: '', stderr: r.error.message };
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

export interface ServiceHost {
  run: Runner;
  /** where unit files go: /etc/systemd/system */
  unitDir: string;
  /** true when systemd runs this machine (/run/systemd/system exists) */
  systemdRunning: boolean;
  isRoot: boolean;
  log: (line: string) => void;
}

export function thisMachine(log: (line: string) => void): ServiceHost {
  return {
    run: systemRunner,
    unitDir: '/etc/systemd/system',
    systemdRunning: fs.existsSync('/run/systemd/system'),
    isRoot: process.getuid?.() === 0,
    log,
  };
}

/** A step that failed: its message is the one line the admin sees. */
export class ServiceError extends Error {}

export interface InstallPlan {
  name: string;
  unit: string;
  user: string;
  /** directories the service writes, created and given to the user (mode 0750) */
  writable: string[];
  /** files the service reads that hold a secret: given to root and the user's group, mode 0640 */
  secrets?: string[];
}

/**
 * Installs and starts a unit: the system user (no login, no home of its own), its directories,
 * the unit file, then `systemctl enable --now`. Each step says what failed and how to fix it.
 */
export function installService(host: ServiceHost, plan: InstallPlan): void {
  preflight(host);
  const { run, log } = host;
  if (run('id', ['-u', plan.user]).code !== 0) {
    must(
      host,
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        plan.user,
      ],
      `could not create the user ${plan.user}`,
    );
    log(`created the system user ${plan.user} (no login)`);
  }
  for (const dir of plan.writable) {
    fs.mkdirSync(dir, { recursive: true });
    must(host, 'chown', [`${plan.user}:${plan.user}`, dir], `could not give ${dir} to ${plan.user}`);
    fs.chmodSync(dir, 0o750);
    log(`${dir}: owned by ${plan.user}, mode 750`);
  }
  for (const file of plan.secrets ?? []) {
    // the service reads it through its group; nobody else may
    must(host, 'chown', [`root:${plan.user}`, file], `could not give ${file} to the group ${plan.user}`);
    fs.chmodSync(file, 0o640);
    log(`${file}: holds a secret, readable by root and the group ${plan.user} only (mode 640)`);
  }
  const file = unitFile(host, plan.name);
  fs.mkdirSync(host.unitDir, { recursive: true });
  fs.writeFileSync(`${file}.partial`, plan.unit, { mode: 0o644 });
  fs.renameSync(`${file}.partial`, file);
  log(`wrote ${file}`);
  must(host, 'systemctl', ['daemon-reload'], 'systemctl daemon-reload failed');
  must(host, 'systemctl', ['enable', '--now', `${plan.name}.service`], `could not start ${plan.name}`);
  log(`${plan.name} is enabled and started: "journalctl -u ${plan.name} -f" follows its log`);
}

/** Stops, disables and removes a unit; the data and the user stay (they are the neighbourhood's). */
export function uninstallService(host: ServiceHost, name: string): void {
  preflight(host);
  const file = unitFile(host, name);
  if (!fs.existsSync(file)) throw new ServiceError(`${name} is not installed (no ${file})`);
  must(host, 'systemctl', ['disable', '--now', `${name}.service`], `could not stop ${name}`);
  fs.rmSync(file);
  must(host, 'systemctl', ['daemon-reload'], 'systemctl daemon-reload failed');
  host.log(`${name} stopped and removed; its data and its user are kept`);
}

/** What systemd says about a unit, and its last log lines. Returns 0 when it is active. */
export function serviceStatus(host: ServiceHost, name: string): number {
  if (!host.systemdRunning) throw new ServiceError(NO_SYSTEMD);
  const file = unitFile(host, name);
  if (!fs.existsSync(file)) {
    host.log(`${name}: not installed (no ${file}) — "communs service install" installs it`);
    return 3;
  }
  const word = (args: string[]) => host.run('systemctl', args).stdout.trim() || 'unknown';
  const active = word(['is-active', `${name}.service`]);
  host.log(`${name}: ${active}, ${word(['is-enabled', `${name}.service`])} at boot (${file})`);
  const shown = host.run('systemctl', [
    'show',
    `${name}.service`,
    '--property=MainPID,ActiveEnterTimestamp,NRestarts',
  ]);
  for (const line of shown.stdout.trim().split('\n').filter(Boolean)) host.log(`  ${line}`);
  const journal = host.run('journalctl', ['-u', `${name}.service`, '-n', '8', '--no-pager', '-o', 'cat']);
  if (journal.code === 0 && journal.stdout.trim()) {
    host.log('last log lines:');
    for (const line of journal.stdout.trim().split('\n')) host.log(`  ${line}`);
  }
  return active === 'active' ? 0 : 3;
}

const NO_SYSTEMD =
  'systemd does not run this machine: "communs service install --print" shows the unit to set up by hand';

function preflight(host: ServiceHost): void {
  if (!host.systemdRunning) throw new ServiceError(NO_SYSTEMD);
  if (!host.isRoot) throw new ServiceError('installing a service needs root: run it with sudo');
}

function unitFile(host: ServiceHost, name: string): string {
  return path.join(host.unitDir, `${name}.service`);
}

function must(host: ServiceHost, cmd: string, args: string[], what: string): void {
  const r = host.run(cmd, args);
  if (r.code !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
    throw new ServiceError(`${what}: ${cmd} ${args.join(' ')} said "${why}"`);
  }
}

/**
 * The service user reads the checkout: every directory above it must let others pass (a home
 * directory is 0700 on Raspberry Pi OS). Returns the first one that does not, or undefined.
 */
export function closedAncestor(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
