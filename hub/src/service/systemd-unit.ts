/**
 * systemd units for the hub and for a node agent, as text. Pure: the installer
 * (service-install.ts) writes them, `communs service install --print` shows them, and the tests
 * check them with `systemd-analyze verify`. The directives are explained in docs/DEPLOY.md.
 */

/** How `npm start` runs node (package.json): environment variables and V8 flags that keep RSS low. */
export interface NodeLaunch {
  /** absolute path of the node binary */
  node: string;
  /** e.g. { MALLOC_ARENA_MAX: '2' } */
  env: Record<string, string>;
  /** e.g. ['--max-semi-space-size=1'] */
  flags: string[];
  /** absolute path of bin/communs.js */
  entry: string;
  /** the checkout, read-only to the service */
  root: string;
}

export interface HubUnitOptions {
  launch: NodeLaunch;
  user: string;
  /** the hub's data directory: the only place it writes */
  dataDir: string;
  /** `communs hub` flags after the data directory, already validated (see service-command.ts) */
  hubArgs: string[];
  /** the serial console's device, when asked: the unit opens that device and nothing else */
  consoleDevice?: string;
  /** the hub binds NTP's port 123 (a privileged port): it gets CAP_NET_BIND_SERVICE and nothing more */
  bindsPrivilegedPort: boolean;
}

export interface NodeUnitOptions {
  launch: NodeLaunch;
  user: string;
  node: string;
  /** absolute path of the node's config file (it holds the node's secret) */
  config: string;
  /** the store-and-forward queue: the only place the agent writes */
  queueDir: string;
  /** the board's serial device, for a serial board */
  serialDevice?: string;
}

export const hubUnitName = 'communs-hub';
export const nodeUnitName = (node: string): string => `communs-node-${node}`;

/**
 * Options every Communs unit shares: the service sees the file system read-only but for the paths
 * it names, has its own /tmp, no new privileges, no kernel or clock access, and only the socket
 * families it uses (AF_NETLINK: node lists the network interfaces).
 */
function hardening(writable: string[], device: string | undefined, readable: string[]): string[] {
  const inHome = [...writable, ...readable].some((p) => isUnder(p, '/home') || isUnder(p, '/root'));
  const lines = [
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${writable.map(quote).join(' ')}`,
    // a checkout or a config under /home must stay readable; otherwise /home is hidden
    `ProtectHome=${inHome ? 'read-only' : 'yes'}`,
    'PrivateTmp=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    'UMask=0027',
  ];
  if (device) {
    // a serial device: the dialout group owns it; every other device stays closed
    lines.push('PrivateDevices=no', 'DevicePolicy=closed', `DeviceAllow=${quote(device)} rw`);
    lines.push('SupplementaryGroups=dialout');
  } else {
    lines.push('PrivateDevices=yes');
  }
  return lines;
}

function execStart(launch: NodeLaunch, args: string[]): string {
  return `ExecStart=${[launch.node, ...launch.flags, launch.entry, ...args].map(quote).join(' ')}`;
}

function environment(launch: NodeLaunch): string[] {
  return Object.entries(launch.env).map(([k, v]) => `Environment=${quote(`${k}=${v}`)}`);
}

export function hubUnit(o: HubUnitOptions): string {
  const caps = o.bindsPrivilegedPort
    ? ['AmbientCapabilities=CAP_NET_BIND_SERVICE', 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE']
    : ['CapabilityBoundingSet='];
  return render([
    '[Unit]',
    'Description=Communs hub: the neighbourhood sensor hub (MQTT broker, store, dashboard)',
    `Documentation=file://${o.launch.root}/docs/DEPLOY.md`,
    // start after the clock is set from an RTC or the last saved time, and once the LAN is up
    'After=network-online.target time-set.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${o.user}`,
    `Group=${o.user}`,
    ...environment(o.launch),
    `WorkingDirectory=${quote(o.dataDir)}`,
    execStart(o.launch, ['hub', '--data', o.dataDir, ...o.hubArgs]),
    'Restart=on-failure',
    'RestartSec=5',
    // 2: a flag the unit was written with is wrong; 3: the database needs a person (docs/DEPLOY.md)
    'RestartPreventExitStatus=2 3',
    // stop writes what is queued and checkpoints the database
    'TimeoutStopSec=60',
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${hubUnitName}`,
    // up to 2000 MQTT connections, each a socket
    'LimitNOFILE=8192',
    ...caps,
    ...hardening([o.dataDir], o.consoleDevice, [o.launch.root]),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ]);
}

export function nodeUnit(o: NodeUnitOptions): string {
  return render([
    '[Unit]',
    `Description=Communs node agent ${o.node}: reads its sensors and publishes to the hub`,
    `Documentation=file://${o.launch.root}/docs/DEPLOY.md`,
    'After=network-online.target time-set.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${o.user}`,
    `Group=${o.user}`,
    ...environment(o.launch),
    execStart(o.launch, ['node', '--config', o.config]),
    'Restart=on-failure',
    'RestartSec=5',
    'RestartPreventExitStatus=2',
    'TimeoutStopSec=30',
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${nodeUnitName(o.node)}`,
    'CapabilityBoundingSet=',
    ...hardening([o.queueDir], o.serialDevice, [o.launch.root, o.config]),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ]);
}

/** Parses the `start` script of package.json: `VAR=V ... node --flag ... bin/communs.js ...`. */
export function launchFromStartScript(
  script: string,
  paths: { node: string; entry: string; root: string },
): NodeLaunch {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i] as string); i++) {
    const [k, ...v] = (words[i] as string).split('=');
    env[k as string] = v.join('=');
  }
  if (words[i] !== 'node') throw new Error(`the start script does not run node: "${script}"`);
  const flags: string[] = [];
  for (i++; i < words.length && (words[i] as string).startsWith('--'); i++) flags.push(words[i] as string);
  return { ...paths, env, flags };
}

function render(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

/**
 * systemd's quoting for ExecStart= and paths: plain words stay bare, others in double quotes; `%`
 * (a specifier) and `$` (a variable) are doubled to stay literal.
 */
function quote(word: string): string {
  const literal = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_./:=+,@%$-]+$/.test(literal)) return literal;
  return `"${literal.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
