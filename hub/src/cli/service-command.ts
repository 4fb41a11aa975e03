import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_COMMIT_WINDOW_MS } from '../ingest/group-commit.ts';
import {
  closedAncestor,
  installService,
  ServiceError,
  type ServiceHost,
  serviceStatus,
  thisMachine,
  uninstallService,
} from '../service/service-install.ts';
import {
  hubUnit,
  hubUnitName,
  launchFromStartScript,
  type NodeLaunch,
  nodeUnit,
  nodeUnitName,
} from '../service/systemd-unit.ts';
import { type HubArgs, parseHubArgs, UsageError } from './hub-args.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const SERVICE_USAGE = `usage: communs service install [--print] [--user NAME] [HUB OPTIONS]
       communs service install --node CONFIG [--print] [--user NAME]
       communs service uninstall [--node CONFIG]
       communs service status [--node CONFIG]
  Runs the hub (or a node agent) as a systemd service: started at boot, restarted after a crash,
  logging to the journal (journalctl -u communs-hub), as a system user that owns only its data.
  --print        show the unit and change nothing
  --user NAME    the system user it runs as (default communs; created if missing)
  --node CONFIG  the node agent of this config file instead of the hub
  HUB OPTIONS    as for "communs hub": --data DIR (default /var/lib/communs), --host ADDR (default
                 0.0.0.0: the LAN), --http-port N, --mqtt-port N, --console PATH, --console-baud N,
                 --ntp-port N|off, --commit-window MS. The unit always runs without the demo.
  See docs/DEPLOY.md.`;

/** Flags of `communs hub` a unit may carry: not the demo, not a broker password (a unit is world-readable). */
const HUB_FLAGS = [
  'data',
  'host',
  'http-port',
  'mqtt-port',
  'console',
  'console-baud',
  'ntp-port',
  'commit-window',
] as const;

export interface ServiceCommandDeps {
  host?: ServiceHost;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** `communs service install|uninstall|status`: exit 0 done, 1 a step failed, 2 a usage mistake. */
export async function runServiceCommand(argv: string[], deps: ServiceCommandDeps = {}): Promise<number> {
  const out = deps.out ?? ((l: string) => console.log(l));
  const err = deps.err ?? ((l: string) => console.error(l));
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    out(SERVICE_USAGE);
    return action === undefined ? 2 : 0;
  }
  if (action !== 'install' && action !== 'uninstall' && action !== 'status') {
    err(
      `communs service: unknown action "${action}": use install, uninstall or status (see "communs service --help")`,
    );
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        print: { type: 'boolean' },
        user: { type: 'string' },
        node: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(HUB_FLAGS.map((f) => [f, { type: 'string' as const }])),
      },
      strict: true,
    }));
  } catch (e) {
    err(`communs service: ${(e as Error).message.split('\n')[0]} (see "communs service --help")`);
    return 2;
  }
  if (values.help) {
    out(SERVICE_USAGE);
    return 0;
  }
  try {
    const plan =
      values.node !== undefined
        ? await nodePlan(values)
        : hubPlan(values, action === 'install' && !values.print);
    if (values.print) {
      out(plan.unit.trimEnd());
      return 0;
    }
    const host = deps.host ?? thisMachine(out);
    if (action === 'install') {
      for (const file of plan.readable) {
        const closed = closedAncestor(file);
        if (closed) {
          throw new ServiceError(
            `the service user cannot read ${file}: ${closed} is closed to others — keep Communs and its configs under /opt/communs (docs/DEPLOY.md) or chmod o+x ${closed}`,
          );
        }
      }
      installService(host, plan);
      return 0;
    }
    if (action === 'uninstall') {
      uninstallService(host, plan.name);
      return 0;
    }
    return serviceStatus(host, plan.name);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`communs service: ${e.message}`);
      return 2;
    }
    if (e instanceof ServiceError) {
      err(`communs service: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

interface Plan {
  name: string;
  unit: string;
  user: string;
  writable: string[];
  secrets?: string[];
  /** files the service user must reach */
  readable: string[];
}

function launch(): NodeLaunch {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return launchFromStartScript(pkg.scripts.start, {
    node: process.execPath,
    entry: path.join(ROOT, 'bin/communs.js'),
    root: ROOT,
  });
}

function user(values: Record<string, string | boolean | undefined>): string {
  const name = (values.user as string | undefined) ?? 'communs';
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(name))
    throw new UsageError(`--user must be a system user name such as "communs", got "${name}"`);
  return name;
}

function hubPlan(values: Record<string, string | boolean | undefined>, installing: boolean): Plan {
  const argv: string[] = [];
  for (const flag of HUB_FLAGS) {
    const v = values[flag];
    if (typeof v === 'string') argv.push(`--${flag}`, v);
  }
  if (values.data === undefined) argv.push('--data', '/var/lib/communs');
  if (values.host === undefined) argv.push('--host', '0.0.0.0');
  // the unit is explicit: nothing comes from the installing shell's COMMUNS_* variables
  const args = parseHubArgs(argv, {});
  if (args.console && !args.console.startsWith('/dev/'))
    throw new UsageError(
      `--console must be a serial device under /dev (e.g. /dev/ttyUSB0), got "${args.console}"`,
    );
  if (installing && args.console && !fs.existsSync(args.console)) {
    throw new UsageError(
      `--console ${args.console}: no such device — plug the USB serial adapter, or check the path`,
    );
  }
  const l = launch();
  const u = user(values);
  return {
    name: hubUnitName,
    user: u,
    writable: [args.dataDir],
    readable: [l.entry],
    unit: hubUnit({
      launch: l,
      user: u,
      dataDir: args.dataDir,
      hubArgs: hubFlags(args),
      ...(args.console ? { consoleDevice: args.console } : {}),
      bindsPrivilegedPort: [args.httpPort, args.mqttPort].some(privileged) || ntpPrivileged(args.ntpPort),
    }),
  };
}

/** The validated flags, written out in full so that the unit says what runs. */
function hubFlags(a: HubArgs): string[] {
  const flags = ['--host', a.host, '--http-port', String(a.httpPort), '--mqtt-port', String(a.mqttPort)];
  if (a.ntpPort !== 'auto') flags.push('--ntp-port', a.ntpPort === false ? 'off' : String(a.ntpPort));
  if (a.console) flags.push('--console', a.console, '--console-baud', String(a.consoleBaud));
  if (a.commitWindowMs !== DEFAULT_COMMIT_WINDOW_MS) flags.push('--commit-window', String(a.commitWindowMs));
  flags.push('--no-demo');
  return flags;
}

const privileged = (port: number) => port > 0 && port < 1024;
const ntpPrivileged = (p: HubArgs['ntpPort']) => p === 'auto' || (typeof p === 'number' && privileged(p));

async function nodePlan(values: Record<string, string | boolean | undefined>): Promise<Plan> {
  for (const flag of HUB_FLAGS) {
    if (values[flag] !== undefined)
      throw new UsageError(`--${flag} is a hub option: a node agent takes everything from its config file`);
  }
  const configPath = path.resolve(values.node as string);
  // the agent's loader checks the file as `communs node` would, and names the problem in one line
  const { loadNodeConfig, ConfigError } = await import('../../../firmware/agent/config-loader.ts');
  let loaded: Awaited<ReturnType<typeof loadNodeConfig>>;
  try {
    loaded = await loadNodeConfig(configPath);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const l = launch();
  const u = user(values);
  const board = loaded.config.board;
  return {
    name: nodeUnitName(loaded.config.node),
    user: u,
    writable: [loaded.queueDir],
    secrets: [configPath],
    readable: [l.entry, configPath],
    unit: nodeUnit({
      launch: l,
      user: u,
      node: loaded.config.node,
      config: configPath,
      queueDir: loaded.queueDir,
      ...(board.type === 'serial' ? { serialDevice: board.path } : {}),
    }),
  };
}
