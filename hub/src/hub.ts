import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { topics } from '../../protocol/index.ts';
import { Broker, listen } from './broker/broker.ts';
import { LoginThrottle, type LoginThrottleOptions } from './broker/login-throttle.ts';
import { Commands } from './commands/commands.ts';
import { LocalConsoleServer } from './console/local-socket.ts';
import type { HubContext } from './context.ts';
import { DataLock } from './data-lock.ts';
import { DiskWatch } from './disk-watch.ts';
import { privacyDoc } from './http/routes/privacy-doc.ts';
import { HttpApi } from './http/server.ts';
import { DEFAULT_COMMIT_WINDOW_MS } from './ingest/group-commit.ts';
import { IngestPipeline } from './ingest/pipeline.ts';
import type { ExternalBrokerOptions } from './interop/external-broker.ts';
import { Interop } from './interop/interop.ts';
import { LiveBus } from './live-bus.ts';
import { asLog, createLog, type Log } from './log.ts';
import { ingestTimings } from './metrics/histogram.ts';
import { CollectivePublisher } from './privacy/collective-publisher.ts';
import { Retention } from './retention.ts';
import type { AutoBackup } from './store/auto-backup.ts';
import { closeDataDir } from './store/owner-only.ts';
import type { Packer } from './store/packer.ts';
import { openOrRecoverDb } from './store/recover-db.ts';
import { Store } from './store/store.ts';
import { SntpServer } from './time/sntp-server.ts';
import { NODE_AHEAD_MS, TrustedClock } from './time/trusted-clock.ts';
import { Together } from './together.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface HubOptions {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  host: string;
  /** window over which readings are committed together (fewer syncs for SD cards) */
  commitWindowMs?: number;
  /** where the built dashboard is; default dashboard/dist */
  staticRoot?: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** the machine's clock (tests step it by ±1 h); default Date.now. The hub's own is `clock`. */
  now?: () => number;
  /**
   * Serve SNTP on this UDP port (docs/DEPLOY.md). `required: false` turns it off with a line when
   * the port cannot be bound (123 needs a privilege); `required: true` makes that a start failure.
   */
  ntp?: { port: number; required: boolean };
  /** the hub's log: a plain line function is taken for every level (tests) */
  log?: ((line: string) => void) | Log;
  /** attach ingest to this broker instead of running the embedded one (docs/INTEROP.md) */
  broker?: ExternalBrokerOptions;
  /** how often what ingest holds in memory goes to SQLite (default 30 min; 0: after every commit, for tests) */
  foldEveryMs?: number;
  /** the commit log's size in bytes (default 8 MiB; tests use less) */
  commitLogBytes?: number;
  /** false: native readings go through aedes like every other message (benchmarks compare both) */
  fastPath?: boolean;
  /** start a new, empty database on purpose (`--new`); the old one is kept aside */
  fresh?: boolean;
  /** threads that read charts on their own connections (default 1; 0: on the hub's thread) */
  readWorkers?: number;
  /** SSE clients on /api/live at once (default 200) */
  maxLiveClients?: number;
  /** MQTT subscriptions one client may hold (default 100) */
  maxSubscriptionsPerClient?: number;
  /** failed logins (MQTT and /data.php) tolerated per address; default 5 a second, then 30 s blocked */
  loginThrottle?: LoginThrottleOptions;
  /**
   * Loses acknowledged readings in a power cut, on purpose: a commit is acknowledged before its
   * sync. Only for the power-cut test's broken hub (docs/RELIABILITY.md); never for real use.
   */
  unsafeAcknowledgeBeforeSync?: boolean;
}

export interface HubUrls {
  http: string;
  mqtt: string;
  ws: string;
}

/**
 * The hub: one process, wired by hand — store, ingest, broker, HTTP, local console, retention —
 * started in that order and stopped in reverse (docs/ARCHITECTURE.md).
 */
export class Hub {
  readonly opts: HubOptions;
  readonly log: Log;
  private readonly lock: DataLock;
  store!: Store;
  ingest!: IngestPipeline;
  broker!: Broker;
  interop!: Interop;
  http!: HttpApi;
  bus!: LiveBus;
  ctx!: HubContext;
  commands!: Commands;
  private retention!: Retention;
  publisher!: CollectivePublisher;
  packer!: Packer;
  backups!: AutoBackup;
  private localConsole!: LocalConsoleServer;
  private diskWatch: DiskWatch | undefined;
  clock!: TrustedClock;
  /** commit and sync latencies, for /metrics */
  readonly timings = ingestTimings();
  sntp: SntpServer | undefined;
  together!: Together;
  /** why the SNTP server is off, when it is */
  ntpOff: string | undefined;
  private started = false;

  constructor(opts: HubOptions) {
    this.opts = opts;
    this.log = asLog(opts.log ?? createLog({ level: 'info' }));
    this.lock = new DataLock(opts.dataDir);
  }

  get backupsDir(): string {
    return path.join(this.opts.dataDir, 'backups');
  }

  get dbFile(): string {
    return path.join(this.opts.dataDir, 'communs.db');
  }

  async start(): Promise<HubUrls> {
    const { opts, log } = this;
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    fs.accessSync(opts.dataDir, fs.constants.R_OK | fs.constants.W_OK);
    this.lock.acquire();
    try {
      // every household's readings are in there: the hub's user only (hub/src/store/owner-only.ts)
      const closed = closeDataDir({ dataDir: opts.dataDir, backupsDir: this.backupsDir });
      for (const line of closed) log.warn(line);
      // a damaged database is set aside and the last backup restored (docs/RELIABILITY.md)
      const opened = openOrRecoverDb({
        file: this.dbFile,
        backupsDir: this.backupsDir,
        commitLog: path.join(opts.dataDir, 'ingest.log'),
        ...(opts.fresh ? { fresh: true } : {}),
        synchronous: opts.synchronous ?? 'FULL',
        log,
      });
      // one throttle for every login (MQTT and /data.php), one queue for every scrypt (the store's):
      // a guessing flood on either cannot get around the other nor hold back the commit log's writes
      const throttle = new LoginThrottle(opts.loginThrottle);
      const notices = new Set<string>(opened.notices);
      const system = opts.now ?? Date.now;
      let foldNotice: string | undefined;
      // the store reads the hub's time, which the clock keeps from what the store remembers
      this.store = new Store({
        db: opened.db,
        now: () => (this.clock ? this.clock.now() : system()),
        commitLog: path.join(opts.dataDir, 'ingest.log'),
        ...(opts.foldEveryMs !== undefined ? { foldEveryMs: opts.foldEveryMs } : {}),
        ...(opts.commitLogBytes !== undefined ? { commitLogBytes: opts.commitLogBytes } : {}),
        ...(opts.unsafeAcknowledgeBeforeSync ? { unsafeAcknowledgeBeforeSync: true } : {}),
        readWorkers: opts.readWorkers ?? 1,
        log,
        onFoldHealth: (problem) => {
          if (foldNotice) notices.delete(foldNotice);
          foldNotice = undefined;
          if (problem === null) return;
          foldNotice = `the database cannot be written (${problem}): readings wait in the commit log; free space in ${opts.dataDir}`;
          notices.add(foldNotice);
          log.error(`fold failed: ${problem}`);
        },
      });
      const replayed = this.store.readings.open();
      if (replayed > 0) log(`commit log: ${replayed} commit(s) after the last fold applied again`);
      await this.store.startReaders();
      // checked once the log is applied again: the newest reading may be there
      let clockNotice: string | undefined;
      this.clock = new TrustedClock({
        system,
        store: this.store.clock,
        aheadMs: NODE_AHEAD_MS,
        log,
        onChange: (_trusted, notice) => {
          if (clockNotice) notices.delete(clockNotice);
          clockNotice = notice;
          if (notice) notices.add(notice);
        },
      });
      this.clock.start();
      const now = this.clock.now;
      const { registry, settings } = this.store;
      this.bus = new LiveBus({ log });
      this.packer = this.store.packer({ now, log });
      this.ingest = new IngestPipeline({
        registry,
        store: this.store.readings,
        bus: this.bus,
        // each commit writes a 512-byte sector at least: the window sets how many a quiet hub writes
        // (docs/PERFORMANCE.md "Writes per reading"); acknowledgements come within it
        commitWindowMs: opts.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS,
        now,
        maxFutureMs: NODE_AHEAD_MS,
        timings: this.timings,
        clock: this.clock,
        // follows the retention set on the console: older readings would be purged at once
        maxPastMs: () => settings.get().rawRetentionDays * 86_400_000,
        log,
        onStoreHealth: (ok, err) => {
          const notice = 'readings cannot be stored (disk full or failing): publishes are not acknowledged';
          if (ok) notices.delete(notice);
          else {
            notices.add(notice);
            log.error(`store failing: ${err?.message}`);
          }
        },
      });
      this.publisher = new CollectivePublisher({
        ledger: this.store.series.ledger,
        registry,
        settings,
        bus: this.bus,
        now,
        log,
      });
      this.ctx = {
        store: this.store,
        dataDir: opts.dataDir,
        registry,
        settings,
        bus: this.bus,
        version: VERSION,
        startedAt: Date.now(),
        now,
        ingestState: () => ({
          pending: this.ingest.committer.pending,
          lastCommitTs: this.ingest.committer.lastCommitTs,
        }),
        notices,
        disconnectNode: (node) => this.broker?.disconnectNode(node) ?? 0,
        connectedNodes: () => this.broker?.connectedNodes() ?? new Set(),
        liveFigures: () => this.publisher.current(),
        withdrawHousehold: (w) => this.withdrawHousehold(w),
        nextPurge: () => this.retention?.nextRun ?? null,
        baseUrl: () => settings.get().publicUrl.replace(/\/$/, '') || this.urls().http.replace(/\/$/, ''),
        mqttPort: () => this.broker?.address?.port ?? 1883,
        clock: this.clock,
        metrics: {
          timings: this.timings,
          broker: () => this.broker?.counters,
          backupsDir: this.backupsDir,
          limits: () => ({
            throttledLogins: throttle.throttled,
            busyPasswordChecks: this.store.scrypt.refused,
            liveClients: this.http.liveClients.count,
            refusedLiveClients: this.http.liveClients.refused,
          }),
        },
        ntp: () => ({ port: this.sntp?.port ?? null, off: this.ntpOff, counters: this.sntp?.counters }),
      };
      this.together = new Together({
        store: this.store,
        bus: this.bus,
        now,
        tempo: this.store.registry.meters,
        log,
      });
      this.ctx.together = this.together;
      this.http = new HttpApi({
        ctx: this.ctx,
        staticRoot: opts.staticRoot ?? path.join(ROOT, 'dashboard/dist'),
        listenHost: opts.host,
        ...(opts.maxLiveClients ? { maxLiveClients: opts.maxLiveClients } : {}),
        log,
      });
      this.http.route('GET', '/api/privacy', (_req, res) =>
        privacyDoc(path.join(ROOT, 'docs/PRIVACY.md'), res),
      );
      this.interop = new Interop({
        store: this.store,
        ingest: this.ingest,
        bus: this.bus,
        http: this.http,
        throttle,
        version: VERSION,
        externalBroker: opts.broker,
        now,
        log,
      });
      this.ctx.interop = this.interop;
      if (!opts.broker) {
        this.broker = new Broker({
          registry,
          ingest: this.ingest,
          host: opts.host,
          port: opts.mqttPort,
          httpServer: this.http.server,
          allowHost: (host) => this.http.hostCheck.allows(host),
          throttle,
          topicRouter: this.interop.router,
          ...(opts.maxSubscriptionsPerClient
            ? { maxSubscriptionsPerClient: opts.maxSubscriptionsPerClient }
            : {}),
          log,
          ...(opts.fastPath !== undefined ? { fastPath: opts.fastPath } : {}),
        });
        await this.broker.start();
      }
      await this.interop.start(this.broker);
      this.together.start(this.interop.external ?? this.broker);
      // collective figures as the privacy rule published them (withheld ones too, value null):
      // retained, so a late subscriber gets the current one and never a stale figure
      this.bus.on('aggregate', (a) => {
        this.broker
          ?.publish(topics.publicAggregate(a.quantity), JSON.stringify(a), { retain: true })
          .catch(() => {});
      });
      this.publisher.start();
      await listen(this.http.server, opts.httpPort, opts.host);
      await this.startNtp();
      this.commands = new Commands();
      this.localConsole = new LocalConsoleServer({
        ctx: this.ctx,
        commands: this.commands,
        dataDir: opts.dataDir,
        log,
      });
      await this.localConsole.start();
      this.retention = new Retention({ store: this.store, log });
      this.retention.start();
      this.packer.start();
      this.backups = this.store.autoBackup({
        dir: this.backupsDir,
        log,
        onHealth: (ok, err) => {
          const notice = 'the automatic backup failed: see the hub log';
          if (ok) notices.delete(notice);
          else if (err) notices.add(notice);
        },
      });
      this.backups.start();
      this.diskWatch = new DiskWatch({ dir: opts.dataDir, notices, log });
      this.diskWatch.start();
      this.started = true;
      return this.urls();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startNtp(): Promise<void> {
    const { ntp, host } = this.opts;
    if (!ntp) {
      this.ntpOff = 'not asked for (--ntp-port off)';
      return;
    }
    const sntp = new SntpServer({
      host,
      port: ntp.port,
      now: this.clock.now,
      synchronised: () => this.clock.trusted,
    });
    try {
      await sntp.start();
      this.sntp = sntp;
    } catch (err) {
      if (ntp.required) throw err;
      this.ntpOff = ntpBindFailure(err as NodeJS.ErrnoException, ntp.port);
      this.log.warn(`NTP server off: ${this.ntpOff}`);
    }
  }

  /**
   * A household was erased or stopped sharing: the live figures that counted it are withdrawn (the
   * next minute is published without it), and so are its Home Assistant entities. Says what it did.
   */
  private async withdrawHousehold(w: { series: { node: string; sensor: string }[] }): Promise<string[]> {
    this.publisher.withdrawLive();
    const lines = ['live collective figures withdrawn: the next minute is published without it'];
    const ha = await this.interop?.discovery.withdraw(w.series);
    if (ha) lines.push(`home assistant: ${ha} retained config(s) and state(s) emptied`);
    return lines;
  }

  urls(): HubUrls {
    const http = this.http.server.address() as import('node:net').AddressInfo;
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return {
      http: `http://${host}:${http.port}/`,
      mqtt: this.broker ? `mqtt://${host}:${this.broker.address.port}` : (this.opts.broker?.url ?? ''),
      ws: `ws://${host}:${http.port}/mqtt`,
    };
  }

  /** Closes listeners, writes what is queued, closes the database. Safe to call twice. */
  async stop(): Promise<void> {
    this.diskWatch?.stop();
    await this.sntp?.stop();
    this.sntp = undefined;
    this.publisher?.stop();
    this.packer?.stop();
    this.retention?.stop();
    await this.backups?.stop();
    await this.localConsole?.stop().catch(() => {});
    if (this.http?.server.listening) {
      this.http.server.closeAllConnections();
      await new Promise<void>((r) => this.http.server.close(() => r()));
    }
    this.together?.stop();
    await this.interop?.stop().catch(() => {});
    if (this.broker?.aedes) await this.broker.stop().catch(() => {});
    // the last commits are made durable and acknowledged, then everything held is folded into SQLite
    await this.ingest?.stop();
    // the time, saved while the database is open
    if (this.store?.open) this.clock?.stop();
    await this.store?.stopReaders();
    this.store?.close();
    this.lock.release();
    this.started = false;
  }

  get running(): boolean {
    return this.started;
  }
}

/** Why the SNTP port could not be bound, and what to do, in words. */
export function ntpBindFailure(err: NodeJS.ErrnoException, port: number): string {
  switch (err.code) {
    case 'EACCES':
      return `port ${port} needs a privilege: run the hub as the service (communs service install grants it), or give --ntp-port off`;
    case 'EADDRINUSE':
      return `port ${port} is in use: another NTP server runs on this machine; point the devices at it, or give --ntp-port off`;
    default:
      return `port ${port}: ${err.message}`;
  }
}

export const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
