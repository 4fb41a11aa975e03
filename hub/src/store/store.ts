import fs from 'node:fs';
import { AuditLog } from './audit-log.ts';
import { AutoBackup, type AutoBackupOptions } from './auto-backup.ts';
import { type BackupProgress, backupDb } from './backup.ts';
import { ChallengeStore } from './challenge-store.ts';
import { ClockStore } from './clock-store.ts';
import { CollectiveLedger } from './collective-ledger.ts';
import { CommitLog } from './commit-log.ts';
import { CounterEventLog } from './counter-event-log.ts';
import { writeReadingsCsv, writeRollupsCsv } from './csv-export.ts';
import type { Db } from './db.ts';
import { DeviceStore } from './device-store.ts';
import { ExpiredReadings } from './expired-readings.ts';
import { FederationStore } from './federation-store.ts';
import { type EraseSummary, HouseholdEraser } from './household-erase.ts';
import { HouseholdLinks } from './household-links.ts';
import { InteropFlags } from './interop-flags.ts';
import { Packer, type PackerOptions } from './packer.ts';
import { PackedRanges, RawReadings } from './raw-readings.ts';
import { ReadPool } from './read-pool.ts';
import { ReadingsStore } from './readings-store.ts';
import { Registry, type SensorRow } from './registry.ts';
import { RejectionLog } from './rejection-log.ts';
import { RollupReader } from './rollup-reader.ts';
import { ScryptQueue } from './scrypt-queue.ts';
import { rollupJsonSql, SeriesQuery } from './series-query.ts';
import { SettingsStore } from './settings.ts';
import { SignalDays } from './signal-days.ts';
import { TariffStore } from './tariff-store.ts';

export interface StoreOptions {
  /** the open database (db.ts opens it, recover-db.ts restores it when damaged) */
  db: Db;
  now?: () => number;
  /** the commit log's file (hub/src/store/commit-log.ts); without one, commits are not durable (tests, tools) */
  commitLog?: string;
  /** its size in bytes (default 8 MiB) */
  commitLogBytes?: number;
  /** the power-cut test's broken hub only (commit-log.ts): acknowledges before the sync */
  unsafeAcknowledgeBeforeSync?: boolean;
  /** how often what ingest holds is folded into SQLite (default 30 minutes; 0: after every commit) */
  foldEveryMs?: number;
  /** told when a fold fails (a full disk) and when one succeeds again */
  onFoldHealth?: (problem: string | null) => void;
  /** threads reading charts on connections of their own (default 0; `startReaders` starts them) */
  readWorkers?: number;
  log?: (line: string) => void;
}

/**
 * The one way into the database: every reader and writer of the hub's SQLite file, built on one
 * connection and shared by the hub's parts (no part holds the connection itself). Ingest writes
 * through `readings` (called by IngestPipeline only); the console, the HTTP API and interop read and
 * administer through the others. Only `hub/src/store/` holds SQL.
 */
export class Store {
  readonly registry: Registry;
  readonly settings: SettingsStore;
  /** tariffs with their dates, and Tempo day colours (docs/MONEY.md) */
  readonly tariffs: TariffStore;
  /** EcoWatt days and notes for the signal, and collective challenges (docs/COLLECTIVE.md) */
  readonly signalDays: SignalDays;
  readonly challenges: ChallengeStore;
  readonly links: HouseholdLinks;
  readonly devices: DeviceStore;
  readonly federation: FederationStore;
  readonly audit: AuditLog;
  readonly rejections: RejectionLog;
  readonly counterEvents: CounterEventLog;
  readonly flags: InteropFlags;
  /** what the packer has moved into blocks, read by ingest's duplicate check */
  readonly packed: PackedRanges;
  /** ingest's commit (hub/src/ingest/pipeline.ts is its only caller) */
  readonly readings: ReadingsStore;
  readonly raw: RawReadings;
  readonly rollups: RollupReader;
  readonly series: SeriesQuery;
  readonly expired: ExpiredReadings;
  /** the hub's last known good time (hub/src/time/trusted-clock.ts) */
  readonly clock: ClockStore;
  /** every scrypt (node secrets, private links) goes through this one queue, one at a time */
  readonly scrypt: ScryptQueue;
  private readonly db: Db;
  private readonly eraser: HouseholdEraser;
  private readonly readPool: ReadPool | undefined;

  constructor(opts: StoreOptions) {
    const { db } = opts;
    const now = opts.now ?? Date.now;
    this.db = db;
    this.scrypt = new ScryptQueue();
    this.registry = new Registry({ db, scrypt: this.scrypt });
    this.registry.load();
    this.settings = new SettingsStore({ db });
    this.settings.load();
    this.tariffs = new TariffStore({ db });
    this.signalDays = new SignalDays({ db });
    this.challenges = new ChallengeStore({ db });
    this.links = new HouseholdLinks({ db, scrypt: this.scrypt });
    this.devices = new DeviceStore({ db });
    this.federation = new FederationStore({ db });
    this.audit = new AuditLog({ db });
    this.rejections = new RejectionLog({ db });
    this.counterEvents = new CounterEventLog({ db });
    this.flags = new InteropFlags({ db });
    this.packed = new PackedRanges({ db });
    this.readings = new ReadingsStore({
      db,
      registry: this.registry,
      now,
      ...(opts.commitLog
        ? {
            log: new CommitLog({
              file: opts.commitLog,
              ...(opts.commitLogBytes ? { capacity: opts.commitLogBytes } : {}),
              ...(opts.unsafeAcknowledgeBeforeSync ? { unsafeAcknowledgeBeforeSync: true } : {}),
            }),
          }
        : {}),
      ...(opts.foldEveryMs !== undefined ? { foldEveryMs: opts.foldEveryMs } : {}),
      ...(opts.onFoldHealth ? { onFoldHealth: opts.onFoldHealth } : {}),
      packed: this.packed,
      rejections: this.rejections,
      counterEvents: this.counterEvents,
    });
    this.raw = new RawReadings({ db, recent: this.readings.recent });
    this.rollups = new RollupReader({ db, held: this.readings.rollups });
    this.readPool =
      (opts.readWorkers ?? 0) > 0
        ? new ReadPool({
            file: db.name,
            workers: opts.readWorkers ?? 0,
            statements: { rollupGauge: rollupJsonSql('sum / count'), rollupCounter: rollupJsonSql('sum') },
            log: opts.log ?? (() => {}),
          })
        : undefined;
    // the collective figures as published (docs/PRIVACY.md): their verdicts are held, logged and
    // folded with the readings
    const ledger = new CollectiveLedger({ db, rollups: this.rollups });
    this.readings.attachLedger(ledger);
    this.series = new SeriesQuery({
      db,
      rollups: this.rollups,
      raw: this.raw,
      ledger,
      now,
      ...(this.readPool ? { pool: this.readPool } : {}),
    });
    this.expired = new ExpiredReadings({ db, recent: this.readings.recent });
    this.clock = new ClockStore({ db, recent: this.readings.recent });
    this.eraser = new HouseholdEraser({
      db,
      registry: this.registry,
      links: this.links,
      held: this.readings,
      raw: this.raw,
    });
  }

  get file(): string {
    return this.db.name;
  }

  get open(): boolean {
    return this.db.open;
  }

  /** The packer of raw readings into blocks, on this database (started and stopped by hub.ts). */
  packer(opts: Omit<PackerOptions, 'db' | 'ranges'>): Packer {
    return new Packer({ ...opts, db: this.db, ranges: this.packed });
  }

  /** The daily automatic backup of this database (started and stopped by hub.ts). */
  autoBackup(opts: Omit<AutoBackupOptions, 'db' | 'prepare'>): AutoBackup {
    return new AutoBackup({ ...opts, db: this.db, prepare: () => this.checkpoint() });
  }

  /**
   * A consistent copy of the live database (SQLite's online backup) into `file`, with what ingest
   * holds in memory folded in first.
   */
  async backup(
    file: string,
    onProgress?: (p: BackupProgress) => void,
  ): Promise<{ bytes: number; pages: number }> {
    await this.checkpoint();
    return backupDb(this.db, file, onProgress);
  }

  /** Folds what ingest holds in memory into the database file (after the commit under way, if any). */
  checkpoint(): Promise<void> {
    return this.readings.foldWhenIdle();
  }

  /**
   * Copies the write-ahead log into the database file and empties it: after a one-off burst (the
   * demo's history), so its pages are not copied again by a checkpoint among steady writes.
   */
  truncateWal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  planErase(householdId: string): EraseSummary {
    return this.eraser.plan(householdId);
  }

  erase(householdId: string): Promise<EraseSummary> {
    return this.eraser.erase(householdId);
  }

  writeReadingsCsv(sensors: readonly SensorRow[], file: string, range: { from: number; to: number }) {
    return writeReadingsCsv(this.raw, this.registry, sensors, file, range);
  }

  writeRollupsCsv(sensors: readonly SensorRow[], file: string) {
    return writeRollupsCsv(this.rollups, sensors, file);
  }

  /** Bytes of the database file and its write-ahead log. */
  sizes(): { db: number; wal: number } {
    return { db: fileSize(this.db.name), wal: fileSize(`${this.db.name}-wal`) };
  }

  /** Starts the read workers, when there are any (they read the file: after `readings.open()`). */
  async startReaders(): Promise<void> {
    await this.readPool?.start();
  }

  /** True while at least one read worker runs. */
  get readersRunning(): boolean {
    return this.readPool?.available ?? false;
  }

  async stopReaders(): Promise<void> {
    await this.readPool?.stop();
  }

  /** Folds what is held in memory, folds the write-ahead log back into the file and closes it. */
  close(): void {
    if (!this.db.open) return;
    this.readings.close();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
