import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { topics } from '../../protocol/index.ts';
import { Broker, listen } from './broker/broker.ts';
import { CollectiveLive } from './collective.ts';
import { Commands } from './commands/commands.ts';
import { LocalConsoleServer } from './console/local-socket.ts';
import type { HubContext } from './context.ts';
import { DataLock } from './data-lock.ts';
import { HttpApi } from './http/server.ts';
import { IngestPipeline } from './ingest/pipeline.ts';
import type { ExternalBrokerOptions } from './interop/external-broker.ts';
import { Interop } from './interop/interop.ts';
import { LiveBus } from './live-bus.ts';
import { Retention } from './retention.ts';
import type { AutoBackup } from './store/auto-backup.ts';
import type { Packer } from './store/packer.ts';
import { openOrRecoverDb } from './store/recover-db.ts';
import type { Registry } from './store/registry.ts';
import type { SettingsStore } from './store/settings.ts';
import { Store } from './store/store.ts';

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
  /** the hub's clock (tests step it by ±1 h); default Date.now */
  now?: () => number;
  log?: (line: string) => void;
  /** attach ingest to this broker instead of running the embedded one (docs/INTEROP.md) */
  broker?: ExternalBrokerOptions;
  /** how often what ingest holds in memory goes to SQLite (default 15 min; 0: after every commit, for tests) */
  foldEveryMs?: number;
  /** the commit log's size in bytes (default 8 MiB; tests use less) */
  commitLogBytes?: number;
  /** false: native readings go through aedes like every other message (benchmarks compare both) */
  fastPath?: boolean;
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
  readonly log: (line: string) => void;
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
  packer!: Packer;
  backups!: AutoBackup;
  private localConsole!: LocalConsoleServer;
  private started = false;

  constructor(opts: HubOptions) {
    this.opts = opts;
    this.log = opts.log ?? ((line) => console.log(line));
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
    fs.mkdirSync(opts.dataDir, { recursive: true });
    fs.accessSync(opts.dataDir, fs.constants.R_OK | fs.constants.W_OK);
    this.lock.acquire();
    try {
      // a damaged database is set aside and the last backup restored (reliability, issue 7)
      const opened = openOrRecoverDb({
        file: this.dbFile,
        backupsDir: this.backupsDir,
        synchronous: opts.synchronous ?? 'FULL',
        log,
      });
      const now = opts.now ?? Date.now;
      this.store = new Store({
        db: opened.db,
        now,
        commitLog: path.join(opts.dataDir, 'ingest.log'),
        ...(opts.foldEveryMs !== undefined ? { foldEveryMs: opts.foldEveryMs } : {}),
        ...(opts.commitLogBytes !== undefined ? { commitLogBytes: opts.commitLogBytes } : {}),
      });
      const replayed = this.store.readings.open();
      if (replayed > 0) log(`commit log: ${replayed} commit(s) after the last fold applied again`);
      const { registry, settings } = this.store;
      this.bus = new LiveBus({ log });
      this.packer = this.store.packer({ now, log });
      const notices = new Set<string>(opened.notices);
      const collective = new CollectiveLive({ counts: (id) => registry.countsInCollective(id) });
      this.ingest = new IngestPipeline({
        registry,
        store: this.store.readings,
        bus: this.bus,
        collective,
        // each commit writes a 512-byte sector at least: the window sets how many a quiet hub writes
        // (docs/PERFORMANCE.md "Writes per reading"); acknowledgements come within it
        commitWindowMs: opts.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS,
        now,
        // follows the retention set on the console: older readings would be purged at once
        maxPastMs: () => settings.get().rawRetentionDays * 86_400_000,
        log,
        onStoreHealth: (ok, err) => {
          const notice = 'readings cannot be stored (disk full or failing): publishes are not acknowledged';
          if (ok) notices.delete(notice);
          else {
            notices.add(notice);
            log(`store failing: ${err?.message}`);
          }
        },
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
        forgetSeries: (ids) => collective.forget(ids),
        nextPurge: () => this.retention?.nextRun ?? null,
        baseUrl: () => settings.get().publicUrl.replace(/\/$/, '') || this.urls().http.replace(/\/$/, ''),
        mqttPort: () => this.broker?.address?.port ?? 1883,
      };
      this.http = new HttpApi({
        ctx: this.ctx,
        staticRoot: opts.staticRoot ?? path.join(ROOT, 'dashboard/dist'),
        log,
      });
      this.interop = new Interop({
        store: this.store,
        ingest: this.ingest,
        bus: this.bus,
        http: this.http,
        version: VERSION,
        externalBroker: opts.broker,
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
          topicRouter: this.interop.router,
          log,
          ...(opts.fastPath !== undefined ? { fastPath: opts.fastPath } : {}),
        });
        await this.broker.start();
      }
      await this.interop.start(this.broker);
      // collective figures (k >= 3 already applied) are public: retained for late subscribers
      this.bus.on('aggregate', (a) => {
        this.broker
          ?.publish(topics.publicAggregate(a.quantity), JSON.stringify(a), { retain: true })
          .catch(() => {});
      });
      await listen(this.http.server, opts.httpPort, opts.host);
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
      this.started = true;
      return this.urls();
    } catch (err) {
      await this.stop();
      throw err;
    }
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
    this.packer?.stop();
    this.retention?.stop();
    await this.backups?.stop();
    await this.localConsole?.stop().catch(() => {});
    if (this.http?.server.listening) {
      this.http.server.closeAllConnections();
      await new Promise<void>((r) => this.http.server.close(() => r()));
    }
    await this.interop?.stop().catch(() => {});
    if (this.broker?.aedes) await this.broker.stop().catch(() => {});
    // the last commits are made durable and acknowledged, then everything held is folded into SQLite
    await this.ingest?.stop();
    this.store?.close();
    this.lock.release();
    this.started = false;
  }

  get running(): boolean {
    return this.started;
  }
}

/** The group commit window of `communs hub` (`--commit-window`). */
export const DEFAULT_COMMIT_WINDOW_MS = 600;

export const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
