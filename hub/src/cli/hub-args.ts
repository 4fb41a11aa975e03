import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_COMMIT_WINDOW_MS } from '../ingest/group-commit.ts';
import { LOG_LEVELS, type LogLevel, parseLogLevel } from '../log.ts';
import { DEFAULT_FOLD_EVERY_MS } from '../store/readings-store.ts';

export class UsageError extends Error {}

export interface HubArgs {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  host: string;
  /** number of demo households, or false */
  demo: number | false;
  console: string | undefined;
  consoleBaud: number;
  commitWindowMs: number;
  /** how often what ingest holds in memory is written into the database */
  foldEveryMs: number;
  /** start a new, empty database on purpose */
  fresh: boolean;
  readWorkers: number;
  logLevel: LogLevel;
  /** SNTP: a port, `auto` (123 when the process may bind it, off otherwise), or off */
  ntpPort: number | 'auto' | false;
  /** ingest from an existing broker instead of the embedded one (docs/INTEROP.md) */
  broker: { url: string; username?: string; password?: string } | undefined;
  help: boolean;
}

export const HUB_USAGE = `usage: communs hub [options]
  --data DIR          where the database and backups live (env COMMUNS_DATA, default ./data)
  --http-port N       dashboard, API and MQTT over WebSocket (env COMMUNS_HTTP_PORT, default 8080; 0 = any free port)
  --mqtt-port N       MQTT over TCP (env COMMUNS_MQTT_PORT, default 1883; 0 = any free port)
  --host ADDR         address to listen on (env COMMUNS_HOST, default 127.0.0.1; 0.0.0.0 opens it to the LAN)
  --demo [N]          run a demo neighbourhood of N households (default 8) — on with npm start
  --no-demo           no demo
  --console PATH      serve the admin console on a serial device (e.g. /dev/ttyUSB0)
  --console-baud N    its baud rate (default 115200)
  --commit-window MS  how long a reading may wait for others to share its write, ms (default 600, at most 1000)
  --fold-every MIN    how often readings held since the last write go into the database, minutes (default 30)
  --log-level L       error, warn, info (default) or debug (env COMMUNS_LOG_LEVEL)
  --read-workers N    threads that read charts on their own database connections (default 1; 0 = none)
  --new               start a new, empty database on purpose (the current one is kept aside in the data directory);
                      without it, a missing, empty or damaged database is restored from the newest backup
  --ntp-port N|off    serve the time on the LAN over SNTP (env COMMUNS_NTP_PORT; default 123 when the
                      hub may bind it, off otherwise; 0 = any free port)
  --broker URL        ingest from an existing broker (mqtt://host:port) instead of the embedded one
  --broker-user U     its username (env COMMUNS_BROKER_USER); --broker-password P (env COMMUNS_BROKER_PASSWORD)`;

/**
 * Parses `communs hub` flags with their environment equivalents. Every mistake is a UsageError
 * whose message names the flag, the bad value and what is expected.
 */
export function parseHubArgs(argv: string[], env: NodeJS.ProcessEnv): HubArgs {
  // `--demo` takes an optional number, which parseArgs cannot express: fold "--demo 12" into "--demo=12"
  const folded: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (a === '--demo' && next !== undefined && /^\d+$/.test(next)) {
      folded.push(`--demo=${next}`);
      i++;
    } else folded.push(a);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: folded.map((a) => (a === '--demo' ? '--demo=8' : a)),
      options: {
        data: { type: 'string' },
        'http-port': { type: 'string' },
        'mqtt-port': { type: 'string' },
        host: { type: 'string' },
        demo: { type: 'string' },
        'no-demo': { type: 'boolean' },
        console: { type: 'string' },
        'console-baud': { type: 'string' },
        'commit-window': { type: 'string' },
        'fold-every': { type: 'string' },
        new: { type: 'boolean' },
        'read-workers': { type: 'string' },
        'log-level': { type: 'string' },
        'ntp-port': { type: 'string' },
        broker: { type: 'string' },
        'broker-user': { type: 'string' },
        'broker-password': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see "communs hub --help")`);
  }
  if (values.demo !== undefined && values['no-demo'])
    throw new UsageError('--demo and --no-demo contradict each other: keep one');
  const demo = values['no-demo']
    ? false
    : values.demo === undefined
      ? false
      : int('--demo', values.demo as string, 1, 500);
  return {
    dataDir: path.resolve((values.data as string | undefined) ?? env.COMMUNS_DATA ?? './data'),
    httpPort: port(
      '--http-port',
      (values['http-port'] as string | undefined) ?? env.COMMUNS_HTTP_PORT ?? '8080',
    ),
    mqttPort: port(
      '--mqtt-port',
      (values['mqtt-port'] as string | undefined) ?? env.COMMUNS_MQTT_PORT ?? '1883',
    ),
    host: host((values.host as string | undefined) ?? env.COMMUNS_HOST ?? '127.0.0.1'),
    demo,
    console: values.console as string | undefined,
    consoleBaud: int(
      '--console-baud',
      (values['console-baud'] as string | undefined) ?? '115200',
      300,
      4_000_000,
    ),
    commitWindowMs: int(
      '--commit-window',
      (values['commit-window'] as string | undefined) ?? String(DEFAULT_COMMIT_WINDOW_MS),
      0,
      1000,
    ),
    fresh: values.new === true,
    logLevel: logLevel((values['log-level'] as string | undefined) ?? env.COMMUNS_LOG_LEVEL),
    readWorkers: int('--read-workers', (values['read-workers'] as string | undefined) ?? '1', 0, 8),
    foldEveryMs:
      int(
        '--fold-every',
        (values['fold-every'] as string | undefined) ?? String(DEFAULT_FOLD_EVERY_MS / 60_000),
        1,
        60,
      ) * 60_000,
    ntpPort: ntpPort((values['ntp-port'] as string | undefined) ?? env.COMMUNS_NTP_PORT),
    broker: brokerArg(values, env),
    help: values.help === true,
  };
}

function int(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function port(flag: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 65535) {
    throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 picks a free one), got "${raw}"`);
  }
  return n;
}

function ntpPort(raw: string | undefined): HubArgs['ntpPort'] {
  if (raw === undefined || raw === 'auto') return 'auto';
  if (raw === 'off') return false;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 65535)
    throw new UsageError(
      `--ntp-port must be a port number (123 for devices), 0 for any free port, or off; got "${raw}"`,
    );
  return n;
}

function host(raw: string): string {
  if (!/^[A-Za-z0-9.:-]+$/.test(raw))
    throw new UsageError(`--host must be an address such as 127.0.0.1 or 0.0.0.0, got "${raw}"`);
  return raw;
}

function brokerArg(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): HubArgs['broker'] {
  const url = values.broker as string | undefined;
  const username = (values['broker-user'] as string | undefined) ?? env.COMMUNS_BROKER_USER;
  const password = (values['broker-password'] as string | undefined) ?? env.COMMUNS_BROKER_PASSWORD;
  if (url === undefined) {
    if (values['broker-user'] !== undefined || values['broker-password'] !== undefined)
      throw new UsageError('--broker-user and --broker-password need --broker mqtt://host:port');
    return undefined;
  }
  if (!/^(mqtts?|wss?):\/\/[^\s/]+/.test(url))
    throw new UsageError(`--broker must be a broker URL such as mqtt://10.0.0.2:1883, got "${url}"`);
  return { url, ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function logLevel(text: string | undefined): LogLevel {
  if (text === undefined || text === '') return 'info';
  const level = parseLogLevel(text);
  if (!level) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  return level;
}
