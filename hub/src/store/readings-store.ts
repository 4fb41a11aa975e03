import { QUANTITIES } from '../../../protocol/index.ts';
import { type CounterEventKind, type CounterState, guardCounter } from '../ingest/counter-guard.ts';
import type { Submission } from '../ingest/submission.ts';
import { type Rejected, type ValidReading, validateReading } from '../ingest/validate.ts';
import { CounterEventLog } from './counter-event-log.ts';
import type { Db } from './db.ts';
import { PackedRanges } from './raw-readings.ts';
import type { Registry, SensorRow } from './registry.ts';
import { RejectionLog } from './rejection-log.ts';
import { RollupAccumulator } from './rollup.ts';
import { RollupBuffer, UPSERT_ROLLUP } from './rollup-buffer.ts';
import { WalSync } from './wal-sync.ts';

/** One message in a commit: what its source submitted, and when the hub received it. */
export interface CommitEntry extends Submission {
  receivedAt: number;
}

/** How far from the hub's clock a reading's time may be (ingest's settings, read at each commit). */
export interface TimeLimits {
  /** readings older than this are refused as `ts_past` (they would fall out of raw retention at once) */
  maxPastMs: number;
  /** a node clock this far ahead of the hub is refused as `ts_future` */
  maxFutureMs: number;
}

/** A reading as it was stored: value in canonical unit, a delta for counters. */
export interface StoredReading {
  sensor: SensorRow;
  ts: number;
  seq: number;
  value: number;
}

export interface CommitResult {
  stored: StoredReading[];
  /** rejections found while storing (duplicates, out-of-order counters), with the node */
  rejections: Array<Rejected & { node: string }>;
  counterEvents: Array<{ sensor: SensorRow; ts: number; kind: CounterEventKind }>;
  touchedNodes: Set<string>;
}

interface NodeDelta {
  accepted: number;
  rejected: number;
  lastSeen: number;
  maxSeq: number | null;
  gaps: number;
}

/**
 * Commits a batch of submissions in one transaction: for each message in arrival order, its
 * registry changes (meta, status), then its readings checked against the registry as the batch has
 * left it so far (validate → normalise → duplicates → counters), its rejections, the rollups and the
 * node counters. A throw (disk full, I/O error) rolls everything back and leaves the registry's
 * memory untouched, so the same batch can be retried.
 */
export class ReadingsStore {
  private readonly db: Db;
  private readonly registry: Registry;
  private readonly now: () => number;
  private readonly packed: PackedRanges;
  /** rollups of recent readings, written about once a minute (hub/src/store/rollup-buffer.ts) */
  readonly rollups: RollupBuffer;
  /** ingest commits with `walSync.unsynced` and acknowledges after `walSync.sync` (wal-sync.ts) */
  readonly walSync: WalSync;
  /** node counters not written yet (they go with the held rollups) */
  private readonly pendingNodes = new Map<string, NodeDelta>();
  private readonly rejections: RejectionLog;
  private readonly counterEvents: CounterEventLog;
  private readonly stmts;

  /** `packed`: the instance the packer raises (store.ts); without a packer, one of its own */
  constructor(opts: {
    db: Db;
    registry: Registry;
    now?: () => number;
    packed?: PackedRanges;
    rejections?: RejectionLog;
    counterEvents?: CounterEventLog;
  }) {
    this.db = opts.db;
    this.registry = opts.registry;
    this.now = opts.now ?? Date.now;
    this.packed = opts.packed ?? new PackedRanges({ db: opts.db });
    this.rejections = opts.rejections ?? new RejectionLog({ db: opts.db });
    this.counterEvents = opts.counterEvents ?? new CounterEventLog({ db: opts.db });
    this.rollups = new RollupBuffer({ db: opts.db, now: this.now });
    this.walSync = new WalSync(opts.db);
    this.rollups.recover();
    const db = this.db;
    this.stmts = {
      insertReading: db.prepare(
        'INSERT OR IGNORE INTO readings (sensor_id, ts, seq, value) VALUES (?, ?, ?, ?)',
      ),
      upsertRollup: db.prepare(UPSERT_ROLLUP),
      updateCounter: db.prepare('UPDATE sensors SET last_total = ?, last_total_ts = ? WHERE id = ?'),
      updateNode: db.prepare(
        'UPDATE nodes SET accepted = accepted + ?, rejected = rejected + ?, last_seen = max(coalesce(last_seen, 0), ?), max_seq = ?, gaps = ? WHERE id = ?',
      ),
    };
  }

  commit(entries: readonly CommitEntry[], limits: TimeLimits): CommitResult {
    const now = this.now();
    const result: CommitResult = { stored: [], rejections: [], counterEvents: [], touchedNodes: new Set() };
    const counters = new Map<number, CounterState>();
    const nodes = new Map<string, NodeDelta>();
    const stage = this.registry.stage();
    // rollups of readings older than `deferFrom` are written now; newer ones wait in memory
    const direct = new RollupAccumulator();
    const deferred = new RollupAccumulator();
    const deferFrom = this.rollups.deferFrom();
    let wroteHeld = false;
    const run = this.db.transaction(() => {
      for (const entry of entries) {
        const delta = this.nodeDelta(nodes, entry.node, now);
        for (const r of entry.rejections ?? []) this.reject(result, delta, entry.node, r, now);
        if (entry.meta) stage.applyMeta(entry.node, entry.meta);
        if (entry.status) stage.applyStatus(entry.node, entry.status, entry.receivedAt);
        const check = { sensors: stage, now: entry.receivedAt, ...limits };
        for (const [i, raw] of (entry.readings ?? []).entries()) {
          const valid = validateReading(entry.node, raw, check);
          if ('reason' in valid) {
            this.reject(
              result,
              delta,
              entry.node,
              { ...valid, detail: `readings[${i}]: ${valid.detail}` },
              now,
            );
            continue;
          }
          const stored = this.storeReading(valid, counters, result);
          if ('reason' in stored) {
            this.reject(result, delta, entry.node, stored, now);
            continue;
          }
          delta.accepted++;
          trackSeq(delta, valid.seq);
          (valid.ts >= deferFrom ? deferred : direct).add(valid.sensor.id, valid.ts, stored.value);
          result.stored.push(stored);
        }
      }
      stage.write();
      for (const cell of direct.values()) this.stmts.upsertRollup.run(cell);
      wroteHeld = this.rollups.writeIfDue(deferred);
      for (const [id, c] of counters) this.stmts.updateCounter.run(c.total, c.ts, id);
      // node counters are statistics the registry serves from memory: written with the held
      // rollups, about once a minute, not as a page per node and commit
      if (wroteHeld) this.writeNodes(mergeNodes(mergeNodes(new Map(), this.pendingNodes), nodes));
      for (const [node, d] of nodes) {
        if (d.rejected > 0) this.rejections.prune(node);
        result.touchedNodes.add(node);
      }
    });
    run();
    stage.published();
    this.rollups.committed(deferred, wroteHeld);
    if (wroteHeld) this.pendingNodes.clear();
    else mergeNodes(this.pendingNodes, nodes);
    this.applyToCache(counters, nodes);
    return result;
  }

  private storeReading(
    reading: ValidReading,
    counters: Map<number, CounterState>,
    result: CommitResult,
  ): StoredReading | Rejected {
    const { sensor, ts, seq } = reading;
    let value = reading.value;
    const spec = QUANTITIES[sensor.quantity];
    if (spec.kind === 'counter') {
      const state = counters.get(sensor.id) ?? { total: sensor.last_total, ts: sensor.last_total_ts };
      const outcome = guardCounter(state, value, ts, spec.maxRate ?? Number.POSITIVE_INFINITY);
      if (outcome.kind === 'refuse') {
        return {
          reason: outcome.reason,
          detail: `"${sensor.sensor}" total at ${new Date(ts).toISOString()}`,
        };
      }
      counters.set(sensor.id, outcome.next);
      if (outcome.event) {
        this.counterEvents.record(sensor.id, ts, outcome.event, state.total, value);
        result.counterEvents.push({ sensor, ts, kind: outcome.event });
      }
      value = outcome.delta;
    }
    // the primary key of `readings` sees only the rows not packed yet (hub/src/store/packer.ts)
    const changed = this.packed.has(sensor.id, ts)
      ? 0
      : this.stmts.insertReading.run(sensor.id, ts, seq, value).changes;
    if (changed === 0) {
      return {
        reason: 'duplicate',
        detail: `"${sensor.sensor}" at ${new Date(ts).toISOString()} (seq ${seq}) is stored already`,
      };
    }
    return { sensor, ts, seq, value };
  }

  /** Writes what is held in memory (rollups, node counters): at stop, and for tests. */
  flush(): void {
    if (!this.db.open) return;
    this.rollups.flush();
    if (this.pendingNodes.size === 0) return;
    this.db.transaction(() => this.writeNodes(this.pendingNodes))();
    this.pendingNodes.clear();
  }

  private writeNodes(nodes: Map<string, NodeDelta>): void {
    for (const [node, d] of nodes)
      this.stmts.updateNode.run(d.accepted, d.rejected, d.lastSeen, d.maxSeq, d.gaps, node);
  }

  private nodeDelta(nodes: Map<string, NodeDelta>, node: string, now: number): NodeDelta {
    let d = nodes.get(node);
    if (!d) {
      const row = this.registry.node(node);
      d = { accepted: 0, rejected: 0, lastSeen: now, maxSeq: row?.max_seq ?? null, gaps: row?.gaps ?? 0 };
      nodes.set(node, d);
    }
    return d;
  }

  private reject(result: CommitResult, delta: NodeDelta, node: string, r: Rejected, now: number): void {
    delta.rejected++;
    this.rejections.record(node, now, r.reason, r.detail);
    result.rejections.push({ ...r, node });
  }

  private applyToCache(counters: Map<number, CounterState>, nodes: Map<string, NodeDelta>): void {
    for (const [id, c] of counters) {
      const s = this.registry.sensorById(id);
      if (s) {
        s.last_total = c.total;
        s.last_total_ts = c.ts;
      }
    }
    for (const [id, d] of nodes) {
      const row = this.registry.node(id);
      if (!row) continue;
      row.accepted += d.accepted;
      row.rejected += d.rejected;
      row.last_seen = Math.max(row.last_seen ?? 0, d.lastSeen);
      row.max_seq = d.maxSeq;
      row.gaps = d.gaps;
    }
  }
}

/** Folds the node counters of a commit into `into` (increments add up; the rest is the latest). */
function mergeNodes(into: Map<string, NodeDelta>, from: Map<string, NodeDelta>): Map<string, NodeDelta> {
  for (const [node, d] of from) {
    const held = into.get(node);
    if (!held) {
      into.set(node, { ...d });
      continue;
    }
    held.accepted += d.accepted;
    held.rejected += d.rejected;
    held.lastSeen = Math.max(held.lastSeen, d.lastSeen);
    held.maxSeq = d.maxSeq;
    held.gaps = d.gaps;
  }
  return into;
}

/**
 * Gaps in a node's sequence numbers: a jump forward opens gaps, a late reading (a replay from the
 * node's store-and-forward queue) closes one.
 */
function trackSeq(d: NodeDelta, seq: number): void {
  if (d.maxSeq === null) d.maxSeq = seq;
  else if (seq > d.maxSeq) {
    d.gaps += seq - d.maxSeq - 1;
    d.maxSeq = seq;
  } else if (seq < d.maxSeq && d.gaps > 0) d.gaps--;
}
