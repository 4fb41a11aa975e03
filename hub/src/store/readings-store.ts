import type { CollectiveLedger, LedgerEntry } from './collective-ledger.ts';
import { type CommitEntry, type CommitResult, checkCommit, type TimeLimits } from './commit-check.ts';
import type { CommitLog } from './commit-log.ts';
import type { CommitRecord, NodeStats } from './commit-record.ts';
import { CounterEventLog } from './counter-event-log.ts';
import type { Db } from './db.ts';
import { planBlocks } from './packer.ts';
import { PackedRanges } from './raw-readings.ts';
import { RecentReadings } from './recent-readings.ts';
import type { Registry } from './registry.ts';
import type { NodeDescription } from './registry-stage.ts';
import { RejectionLog } from './rejection-log.ts';
import { RollupBuffer } from './rollup-buffer.ts';

export type { CommitEntry, CommitResult, StoredReading, TimeLimits } from './commit-check.ts';

/**
 * Verdicts of the collective figures a record carries at most (~60 bytes each); more are folded
 * into SQLite at once (hub/src/store/collective-ledger.ts).
 */
const MAX_LOGGED_VERDICTS = 2000;

/**
 * How often what ingest holds goes into SQLite while readings come in. Each fold writes a few pages
 * per series whatever it holds, so its share of an SD card's writes falls with its interval: the
 * demo wrote 285 B a reading folding every 15 minutes, 215 B every 30 (docs/PERFORMANCE.md). What is
 * held is in the commit log meanwhile; readers merge it; a crash replays at most this much.
 */
export const DEFAULT_FOLD_EVERY_MS = 30 * 60_000;

/** The settings row holding the LSN of the last commit-log record folded into SQLite. */
export const FOLDED_LSN_KEY = 'ingest.folded_lsn';

export interface ReadingsStoreOptions {
  db: Db;
  registry: Registry;
  now?: () => number;
  /** the instance the packer raises (store.ts); without a packer, one of its own */
  packed?: PackedRanges;
  rejections?: RejectionLog;
  counterEvents?: CounterEventLog;
  /** the commit log's file; without one, a log in memory only (tests of the store alone) */
  log?: CommitLog;
  /** a fold at least this often while readings come in (`DEFAULT_FOLD_EVERY_MS`; 0: after every commit) */
  foldEveryMs?: number;
  /** a fold once this many readings are held (default 100,000) */
  foldAtReadings?: number;
  /** told when a fold fails (disk full, I/O error: what is held stays in the log) and when one succeeds again */
  onFoldHealth?: (problem: string | null) => void;
}

/**
 * Ingest's store. A commit checks a batch of submissions against the registry as the batch leaves
 * it (registry changes → validate → normalise → duplicates → counters), appends what it changed to
 * the commit log and, once that record is on disk, applies it to memory: the registry, the recent
 * readings, the rollups and the statistics, which every reader merges with the database. Only then
 * are the batch's messages acknowledged.
 *
 * SQLite receives all of it at a fold, every `foldEveryMs` or `foldAtReadings`, at stop and before a
 * backup: recent readings go straight into packed blocks, rollups and statistics are written once,
 * in one synced transaction that also records the last folded LSN; then the log starts over. An SD
 * card sees a 512-byte sector per commit and one transaction every quarter of an hour instead of a
 * synced transaction per commit (docs/DESIGN.md, docs/PERFORMANCE.md "Writes per reading").
 *
 * After a crash or a power cut, `open` applies the log's records after the last fold again: the
 * memory is what it was, and every acknowledged reading is there.
 */
export class ReadingsStore {
  private readonly db: Db;
  private readonly registry: Registry;
  private readonly now: () => number;
  private readonly packed: PackedRanges;
  private readonly rejections: RejectionLog;
  private readonly counterEvents: CounterEventLog;
  private readonly log: CommitLog | undefined;
  /** rollups of the readings since the last fold (read through hub/src/store/rollup-reader.ts) */
  readonly rollups: RollupBuffer;
  /** readings since the last fold (read through hub/src/store/raw-readings.ts) */
  readonly recent = new RecentReadings();
  /** node statistics and fields held until the fold */
  private readonly heldNodes = new Map<string, NodeStats>();
  private readonly heldFields = new Map<string, NodeDescription>();
  private readonly heldCounters = new Map<number, [total: number | null, ts: number | null]>();
  private readonly onFoldHealth: ((problem: string | null) => void) | undefined;
  private readonly foldEveryMs: number;
  private readonly foldAtReadings: number;
  private lastFold: number;
  private appending = false;
  /** the last fold failed: retried at the next commit */
  private foldFailing = false;
  /** callbacks waiting for the commit under way to end (a fold before a backup) */
  private idleWaiters: Array<() => void> = [];
  private legacyRows: boolean;
  /** the collective figures' verdicts, held and logged like readings until the fold (`attachLedger`) */
  private ledger:
    | Pick<CollectiveLedger, 'takePending' | 'giveBack' | 'replay' | 'writeHeld' | 'folded'>
    | undefined;
  private readonly stmts;
  private readonly foldTx;

  constructor(opts: ReadingsStoreOptions) {
    this.db = opts.db;
    this.registry = opts.registry;
    this.now = opts.now ?? Date.now;
    this.packed = opts.packed ?? new PackedRanges({ db: opts.db });
    this.rejections = opts.rejections ?? new RejectionLog({ db: opts.db });
    this.counterEvents = opts.counterEvents ?? new CounterEventLog({ db: opts.db });
    this.log = opts.log;
    this.foldEveryMs = opts.foldEveryMs ?? DEFAULT_FOLD_EVERY_MS;
    this.onFoldHealth = opts.onFoldHealth;
    this.foldAtReadings = opts.foldAtReadings ?? 100_000;
    this.lastFold = this.now();
    this.rollups = new RollupBuffer({ db: opts.db });
    const db = this.db;
    this.stmts = {
      legacyRow: db.prepare('SELECT 1 FROM readings WHERE sensor_id = ? AND ts = ?').pluck(),
      anyLegacyRow: db.prepare('SELECT EXISTS (SELECT 1 FROM readings)').pluck(),
      insertBlock: db.prepare(
        `INSERT INTO reading_blocks (sensor_id, t0, t1, n, ts_off, vals, seq0, seq1, seq_off)
         VALUES (@sensor_id, @t0, @t1, @n, @ts_off, @vals, @seq0, @seq1, @seq_off)`,
      ),
      updateCounter: db.prepare('UPDATE sensors SET last_total = ?, last_total_ts = ? WHERE id = ?'),
      updateStats: db.prepare(
        'UPDATE nodes SET accepted = accepted + ?, rejected = rejected + ?, last_seen = max(coalesce(last_seen, 0), ?), max_seq = ?, gaps = ? WHERE id = ?',
      ),
      updateFields: db.prepare(
        `UPDATE nodes SET board = @board, firmware = @firmware, kit = @kit, power_w = @power_w,
         status = @status, status_ts = @status_ts, clock_offset_ms = @clock_offset_ms, rssi = @rssi,
         battery = @battery, last_seen = max(coalesce(last_seen, 0), coalesce(@last_seen, 0)) WHERE id = @id`,
      ),
      insertSensor: db.prepare(
        `INSERT INTO sensors (id, node_id, sensor, quantity, unit, label, part_of) VALUES (@id, @node_id, @sensor, @quantity, @unit, @label, @part_of)
         ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit, label = excluded.label, part_of = excluded.part_of`,
      ),
      marker: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      setMarker: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
    this.legacyRows = this.stmts.anyLegacyRow.get() === 1;
    this.foldTx = db.transaction((lsn: number, all: boolean) => this.writeFold(lsn, all));
  }

  /**
   * The collective ledger's verdicts go into the commit log with the next commit and into SQLite at
   * the fold, as readings do (before `open`, which applies those of a crash again).
   */
  attachLedger(ledger: NonNullable<ReadingsStore['ledger']>): void {
    this.ledger = ledger;
  }

  /**
   * Applies the commit log's records after the last fold (a crash or a power cut left them there),
   * then folds them into SQLite. Returns how many records were applied again.
   */
  open(): number {
    this.rollups.recoverLegacy();
    if (!this.log) return 0;
    const folded = Number(this.stmts.marker.get(FOLDED_LSN_KEY) ?? 0);
    const records = this.log.open(folded);
    for (const r of records) {
      const record = JSON.parse(r.payload.toString('utf8')) as CommitRecord;
      this.apply(record);
      if (record.ledger) this.ledger?.replay(record.ledger);
    }
    if (records.length > 0) this.fold();
    return records.length;
  }

  /** Readings held in memory since the last fold. */
  get held(): number {
    return this.recent.size;
  }

  /**
   * Commits a batch; `done` is called once it is durable and applied (or failed: then nothing of it
   * was applied). One commit at a time: the group committer waits for `done` before the next.
   */
  commit(
    entries: readonly CommitEntry[],
    limits: TimeLimits,
    done: (err: Error | null, result?: CommitResult) => void,
  ): void {
    if (this.appending) throw new Error('readings store: one commit at a time');
    let checked: { record: CommitRecord; result: CommitResult };
    let payload: Buffer;
    let taken: LedgerEntry[] | undefined;
    try {
      checked = checkCommit(entries, limits, {
        registry: this.registry,
        now: this.now(),
        isStored: (sensorId, ts) => this.isStored(sensorId, ts),
      });
      // the verdicts the publisher made since the last record ride with this one; a great many (a
      // history decided at once) are folded instead, where a page holds many, when the fold can
      taken = this.log ? this.ledger?.takePending() : undefined;
      if (taken) checked.record.ledger = taken;
      if (taken && taken.length > MAX_LOGGED_VERDICTS && this.foldIfPossible()) delete checked.record.ledger;
      payload = Buffer.from(JSON.stringify(checked.record));
      if (this.log && !this.log.fits(payload.length)) {
        this.fold();
        // the fold wrote the verdicts: the record need not carry them
        if (checked.record.ledger) {
          delete checked.record.ledger;
          payload = Buffer.from(JSON.stringify(checked.record));
        }
      }
    } catch (err) {
      if (taken) this.ledger?.giveBack(taken);
      done(err as Error);
      return;
    }
    const applied = () => {
      try {
        this.apply(checked.record);
      } catch (err) {
        done(err as Error);
        return;
      }
      done(null, checked.result);
      // after the acknowledgements: a fold never delays the commit that made it due
      if (this.foldDue()) this.tryFold();
    };
    if (!this.log) return applied();
    this.appending = true;
    this.log.append(payload, (err) => {
      this.appending = false;
      if (err) {
        if (checked.record.ledger) this.ledger?.giveBack(checked.record.ledger);
        done(err);
      } else applied();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    });
  }

  /** Folds now, or as soon as the commit under way is durable. */
  foldWhenIdle(): Promise<void> {
    if (!this.appending) {
      this.fold();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) =>
      this.idleWaiters.push(() => {
        try {
          this.fold();
          resolve();
        } catch (err) {
          reject(err);
        }
      }),
    );
  }

  /**
   * A fold whose failure (a full disk) is no commit's failure: what is held stays in memory and in
   * the commit log, which is durable, and the next commit tries again. Only once the log has no
   * room left do commits fail, and publishes go unacknowledged.
   */
  private tryFold(): void {
    try {
      this.fold();
      if (this.foldFailing) {
        this.foldFailing = false;
        this.onFoldHealth?.(null);
      }
    } catch (err) {
      if (!this.foldFailing) {
        this.foldFailing = true;
        const used = this.log
          ? ` (${Math.round((100 * this.log.used) / this.log.capacity)} % of the commit log used)`
          : '';
        this.onFoldHealth?.(`${(err as Error).message}${used}`);
      }
    }
  }

  /** Folds unless the fold fails (a full disk): then what is held stays held, and false. */
  private foldIfPossible(): boolean {
    try {
      this.fold();
      return true;
    } catch {
      return false;
    }
  }

  /** True when the held data should go to SQLite now. */
  foldDue(): boolean {
    if (this.foldFailing) return true;
    if (this.recent.size === 0 && this.heldNodes.size === 0 && this.heldFields.size === 0) return false;
    const sinceFold = this.now() - this.lastFold;
    return (
      this.recent.size >= this.foldAtReadings ||
      sinceFold >= this.foldEveryMs ||
      // a clock stepped back (set right after a boot without a real-time clock) must not hold
      // readings in memory until it has caught up again
      sinceFold < 0 ||
      (this.log !== undefined && this.log.used >= this.log.capacity / 2)
    );
  }

  /**
   * Writes everything held in memory into SQLite in one synced transaction, then starts the commit
   * log over. Never while a commit is being appended (the caller waits for it). The hours and days
   * still open stay in memory (hub/src/store/rollup-buffer.ts), unless `all` (the stop).
   */
  fold(all = false): void {
    if (this.appending) throw new Error('readings store: fold during a commit');
    if (!this.db.open) return;
    const lsn = this.log?.lastLsn ?? 0;
    this.foldTx(lsn, all);
    this.ledger?.folded();
    this.recent.clear();
    this.rollups.clear();
    this.heldNodes.clear();
    this.heldFields.clear();
    this.heldCounters.clear();
    this.rejections.clearPending();
    this.counterEvents.clearPending();
    this.log?.reset();
    this.lastFold = this.now();
  }

  /** An erasure: what is held of these nodes and series is dropped, and the log forgets them too. */
  forget(nodes: readonly string[], sensorIds: readonly number[]): void {
    this.recent.forget(sensorIds);
    this.rollups.forget(sensorIds);
    for (const n of nodes) {
      this.heldNodes.delete(n);
      this.heldFields.delete(n);
    }
    for (const id of sensorIds) this.heldCounters.delete(id);
    this.rejections.forgetPending(new Set(nodes));
    this.counterEvents.forgetPending(new Set(sensorIds));
    this.fold();
    this.log?.wipe();
  }

  close(): void {
    if (this.db.open) this.fold(true);
    this.log?.close();
  }

  // --- the commit, as named steps ---------------------------------------------------------------

  /** Stored already: held since the last fold, packed in a block, or a row of an older version. */
  private isStored(sensorId: number, ts: number): boolean {
    if (this.recent.has(sensorId, ts) || this.packed.has(sensorId, ts)) return true;
    return this.legacyRows && this.stmts.legacyRow.get(sensorId, ts) === 1;
  }

  /** A record's changes, into memory (after it is durable, or when the log is replayed). */
  private apply(record: CommitRecord): void {
    // a record applied again onto a restored backup may name nodes erased or not yet provisioned there
    const sensors = (record.sensors ?? []).filter((s) => this.registry.node(s.node_id));
    if (sensors.length > 0) {
      // sensors are rare and read by SQL joins (collective figures): written now, synced at the fold
      this.db.transaction(() => {
        // part_of: null for a record written before sensors had it
        for (const s of sensors) this.stmts.insertSensor.run({ ...s, part_of: s.part_of ?? null });
      })();
      this.registry.applySensorRows(sensors);
    }
    for (const n of record.nodes ?? []) {
      this.registry.applyNodeFields(n);
      this.heldFields.set(n.id, n);
    }
    for (const [id, ts, seq, value] of record.readings) {
      this.recent.add(id, ts, seq, value);
      this.rollups.add(id, ts, value);
    }
    for (const [id, total, ts] of record.counters ?? []) {
      this.heldCounters.set(id, [total, ts]);
      const s = this.registry.sensorById(id);
      if (s) {
        s.last_total = total;
        s.last_total_ts = ts;
      }
    }
    for (const [id, ts, kind, previous, current] of record.events ?? [])
      this.counterEvents.record(id, ts, kind, previous, current);
    for (const [node, ts, reason, detail] of record.rejections ?? [])
      this.rejections.record(node, ts, reason, detail);
    for (const [node, accepted, rejected, lastSeen, maxSeq, gaps] of record.nodeStats ?? []) {
      const held = this.heldNodes.get(node) ?? { accepted: 0, rejected: 0, lastSeen, maxSeq, gaps };
      held.accepted += accepted;
      held.rejected += rejected;
      held.lastSeen = Math.max(held.lastSeen, lastSeen);
      held.maxSeq = maxSeq;
      held.gaps = gaps;
      this.heldNodes.set(node, held);
      const row = this.registry.node(node);
      if (row) {
        row.accepted += accepted;
        row.rejected += rejected;
        row.last_seen = Math.max(row.last_seen ?? 0, lastSeen);
        row.max_seq = maxSeq;
        row.gaps = gaps;
      }
    }
  }

  /** Inside the fold's transaction. */
  private writeFold(lsn: number, all: boolean): void {
    for (const [sensorId, readings] of this.recent.all()) {
      const blocks = planBlocks(sensorId, readings, Number.POSITIVE_INFINITY);
      for (const { block } of blocks) this.stmts.insertBlock.run(block);
      const last = blocks[blocks.length - 1];
      if (last) this.packed.raise(sensorId, last.block.t1);
    }
    this.rollups.write(this.now(), all);
    for (const [id, [total, ts]] of this.heldCounters) this.stmts.updateCounter.run(total, ts, id);
    // a record written before nodes had a clock offset carries none
    for (const n of this.heldFields.values())
      this.stmts.updateFields.run({ ...n, clock_offset_ms: n.clock_offset_ms ?? null });
    for (const [node, d] of this.heldNodes)
      this.stmts.updateStats.run(d.accepted, d.rejected, d.lastSeen, d.maxSeq, d.gaps, node);
    this.counterEvents.writePending();
    this.rejections.writePending();
    this.ledger?.writeHeld();
    this.stmts.setMarker.run(FOLDED_LSN_KEY, String(lsn));
  }
}
