import { NTP_PORT } from '../../../protocol/sntp.ts';
import { DataDirError } from '../data-lock.ts';
import { startDemo } from '../demo-access.ts';
import { Hub } from '../hub.ts';
import { createLog } from '../log.ts';
import { NewerSchemaError } from '../store/db.ts';
import { HUB_USAGE, parseHubArgs, UsageError } from './hub-args.ts';

/** `communs hub`: runs until SIGINT/SIGTERM; every failure a user can cause is one line. */
export async function runHubCommand(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseHubArgs>;
  try {
    args = parseHubArgs(argv, process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`communs hub: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    console.log(HUB_USAGE);
    return 0;
  }
  const log = createLog({ level: args.logLevel });
  // The power-cut test's broken hub (docs/RELIABILITY.md): acknowledges before the sync. Not a
  // flag and not in the usage on purpose; only this exact value turns it on.
  const unsafeAcknowledgeBeforeSync =
    process.env.COMMUNS_TEST_ONLY_ACK_BEFORE_SYNC === 'lose-acknowledged-readings';
  if (unsafeAcknowledgeBeforeSync) {
    console.error(
      'communs hub: COMMUNS_TEST_ONLY_ACK_BEFORE_SYNC is set: readings are acknowledged before they are on disk and a power cut loses them; unset it',
    );
  }
  const hub = new Hub({
    dataDir: args.dataDir,
    httpPort: args.httpPort,
    mqttPort: args.mqttPort,
    host: args.host,
    commitWindowMs: args.commitWindowMs,
    foldEveryMs: args.foldEveryMs,
    ...(args.fresh ? { fresh: true } : {}),
    readWorkers: args.readWorkers,
    ...(args.ntpPort !== false
      ? {
          ntp:
            args.ntpPort === 'auto'
              ? { port: NTP_PORT, required: false }
              : { port: args.ntpPort, required: true },
        }
      : {}),
    ...(args.broker ? { broker: args.broker } : {}),
    ...(unsafeAcknowledgeBeforeSync ? { unsafeAcknowledgeBeforeSync: true } : {}),
    log,
  });
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const urls = await hub.start();
    console.log(`Communs hub ${hub.ctx.version} — data in ${args.dataDir}`);
    console.log(`  dashboard  ${urls.http}`);
    console.log(`  MQTT       ${urls.mqtt}`);
    console.log(`  WebSocket  ${urls.ws}`);
    const host = args.host.includes(':') ? `[${args.host}]` : args.host;
    console.log(`  NTP        ${hub.sntp ? `udp://${host}:${hub.sntp.port}` : `off: ${hub.ntpOff}`}`);
    if (args.console) {
      const { startSerialConsole } = await import('../console/serial-console.ts');
      stoppers.push(await startSerialConsole({ hub, path: args.console, baudRate: args.consoleBaud }));
      console.log(`  console    ${args.console} at ${args.consoleBaud} baud`);
    }
    if (args.demo !== false) {
      stoppers.push(await startDemo(hub, args.demo, urls.mqtt));
    }
    console.log('ready');
  } catch (err) {
    await hub.stop().catch(() => {});
    console.error(`communs hub: ${explain(err as NodeJS.ErrnoException, args)}`);
    // 3: the data needs a person, restarting cannot help (the systemd unit does not restart on it)
    return err instanceof NewerSchemaError ? 3 : 1;
  }
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        console.error(`communs hub: ${signal} again, exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      console.log(`${signal}: stopping…`);
      for (const s of stoppers.reverse()) await s().catch((e: Error) => log(`stop: ${e.message}`));
      await hub.stop();
      console.log('stopped cleanly');
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}

/** Turns a start-up failure into one line that names the problem and the fix. */
export function explain(
  err: NodeJS.ErrnoException & { port?: number },
  args: {
    dataDir: string;
    httpPort: number;
    mqttPort: number;
    host: string;
    ntpPort?: number | 'auto' | false;
  },
): string {
  if (err instanceof DataDirError || err instanceof NewerSchemaError) return err.message;
  const which = (port: number | undefined) =>
    err.syscall === 'bind' && port === args.ntpPort
      ? `NTP port ${port} (--ntp-port)`
      : port === args.mqttPort
        ? `MQTT port ${port} (--mqtt-port)`
        : `HTTP port ${port} (--http-port)`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `${which(err.port)} is in use: stop the program using it, or choose another port (0 picks a free one)`;
    case 'EADDRNOTAVAIL':
      return `address ${args.host} is not on this machine: use --host 127.0.0.1, 0.0.0.0, or one of this machine's addresses`;
    case 'EACCES':
      if (err.syscall === 'listen' || err.syscall === 'bind')
        return `${which(err.port)} needs privileges: use a port above 1023`;
      return `cannot use the data directory ${args.dataDir} (permission denied): fix its permissions or choose another with --data`;
    case 'EROFS':
    case 'ENOTDIR':
    case 'ENOENT':
      return `cannot use the data directory ${args.dataDir} (${err.code}): choose a writable directory with --data`;
    case 'ENOSPC':
      return `no space left for the data directory ${args.dataDir}: free some space or choose another with --data`;
    default:
      if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') {
        return `the database in ${args.dataDir} is damaged (${err.code}): move communs.db aside and restore a backup`;
      }
      return `could not start: ${err.message}`;
  }
}
