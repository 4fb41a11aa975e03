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
import { AutoBackup } from './store/auto-backup.ts';
import type { Db } from './store/db.ts';
import { HouseholdLinks } from './store/household-links.ts';
import { Packer } from './store/packer.ts';
import { PackedRanges } from './store/raw-readings.ts';
import { ReadingsStore } from './store/readings-store.ts';
import { openOrRecoverDb } from './store/recover-db.ts';
import { Registry } from './store/registry.ts';
import { SeriesQuery } from './store/series-query.ts';
import { SettingsStore } from './store/settings.ts';

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
}

export interface HubUrls {
  http: string;
  mqtt: string;
  ws: string;
}

/**
 * The hub: one process, wired by hand (STYLE rule 5) — store, registry, ingest, broker, HTTP,
 * local console, retention — started in that order and stopped in reverse.
 */
export class Hub {
  readonly opts: HubOptions;
  readonly log: (line: string) => void;
  private readonly lock: DataLock;
  db!: Db;
  registry!: Registry;
  settings!: SettingsStore;
  store!: ReadingsStore;
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
      this.db = opened.db;
      const now = opts.now ?? Date.now;
      this.registry = new Registry({ db: this.db });
      this.registry.load();
      this.settings = new SettingsStore({ db: this.db });
      this.settings.load();
      this.bus = new LiveBus({ log });
      // one instance: the packer marks what it packed, the store's duplicate check reads it
      const packed = new PackedRanges({ db: this.db });
      this.store = new ReadingsStore({ db: this.db, registry: this.registry, packed });
      this.packer = new Packer({ db: this.db, ranges: packed, now, log });
      const notices = new Set<string>(opened.notices);
      const collective = new CollectiveLive();
      this.ingest = new IngestPipeline({
        registry: this.registry,
        store: this.store,
        bus: this.bus,
        collective,
        // 250 ms: 200 nodes at one reading per 10 s cost 2.1 % of a core and write 160 KB/s,
        // against 2.5 % and 215 KB/s at 100 ms (bench energy); publish → visible stays well under 1 s
        commitWindowMs: opts.commitWindowMs ?? 250,
        now,
        // follows the retention set on the console: older readings would be purged at once
        maxPastMs: () => this.settings.get().rawRetentionDays * 86_400_000,
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
        db: this.db,
        dataDir: opts.dataDir,
        dbFile: this.dbFile,
        registry: this.registry,
        series: new SeriesQuery({ db: this.db }),
        settings: this.settings,
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
        links: new HouseholdLinks({ db: this.db }),
        forgetSeries: (ids) => collective.forget(ids),
        latestReading: (id) => collective.latestOf(id),
        nextPurge: () => this.retention?.nextRun ?? null,
        baseUrl: () =>
          this.settings.get().publicUrl.replace(/\/$/, '') || this.urls().http.replace(/\/$/, ''),
        mqttPort: () => this.broker?.address?.port ?? 1883,
      };
      this.http = new HttpApi({
        ctx: this.ctx,
        staticRoot: opts.staticRoot ?? path.join(ROOT, 'dashboard/dist'),
        log,
      });
      this.interop = new Interop({
        db: this.db,
        registry: this.registry,
        ingest: this.ingest,
        bus: this.bus,
        settings: this.settings,
        http: this.http,
        version: VERSION,
        externalBroker: opts.broker,
        log,
      });
      this.ctx.interop = this.interop;
      if (!opts.broker) {
        this.broker = new Broker({
          registry: this.registry,
          ingest: this.ingest,
          host: opts.host,
          port: opts.mqttPort,
          httpServer: this.http.server,
          topicRouter: this.interop.router,
          log,
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
      this.retention = new Retention({ db: this.db, settings: this.settings, log });
      this.retention.start();
      this.packer.start();
      this.backups = new AutoBackup({
        db: this.db,
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
    this.ingest?.stop();
    // the last commit's acknowledgements wait for their sync: the log must outlive it
    await this.store?.walSync.idle();
    if (this.db?.open) {
      // rollups and node counters held in memory (hub/src/store/rollup-buffer.ts): a clean stop
      // leaves none to rebuild or lose
      this.store?.flush();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
    this.lock.release();
    this.started = false;
  }

  get running(): boolean {
    return this.started;
  }
}

export const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
