import { QUANTITIES } from '../../../protocol/index.ts';
import { type CounterEventKind, type CounterState, guardCounter } from '../ingest/counter-guard.ts';
import type { Submission } from '../ingest/submission.ts';
import { type Rejected, type ValidReading, validateReading } from '../ingest/validate.ts';
import {
  type BatchStats,
  batchStatsOf,
  type CommitRecord,
  type NodeStats,
  sensorColumns,
  trackSeq,
} from './commit-record.ts';
import type { Registry, SensorRow } from './registry.ts';

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
  /** every rejection of the batch, with its node */
  rejections: Array<Rejected & { node: string }>;
  counterEvents: Array<{ sensor: SensorRow; ts: number; kind: CounterEventKind }>;
  touchedNodes: Set<string>;
}

/** What a check reads: the registry, the hub's time, and whether a reading is stored already. */
export interface CheckContext {
  registry: Registry;
  now: number;
  isStored(sensorId: number, ts: number): boolean;
}

/**
 * A batch checked against the registry as the batch leaves it: registry changes → validate →
 * normalise → duplicates → counters, without changing anything yet. The record is what the commit
 * log keeps and memory applies once it is durable (hub/src/store/readings-store.ts); the result is
 * what the batch's sources are told.
 */
export function checkCommit(
  entries: readonly CommitEntry[],
  limits: TimeLimits,
  ctx: CheckContext,
): { record: CommitRecord; result: CommitResult } {
  const { registry, now } = ctx;
  const result: CommitResult = { stored: [], rejections: [], counterEvents: [], touchedNodes: new Set() };
  const record: CommitRecord = { v: 1, readings: [] };
  const counters = new Map<number, CounterState>();
  const stats = new Map<string, BatchStats>();
  const batch = new Set<string>();
  const stage = registry.stage();
  const reject = (node: string, r: Rejected, s: NodeStats) => {
    s.rejected++;
    record.rejections = record.rejections ?? [];
    record.rejections.push([node, now, r.reason, r.detail]);
    result.rejections.push({ ...r, node });
  };
  for (const entry of entries) {
    const s = batchStatsOf(stats, registry, entry.node, now);
    for (const r of entry.rejections ?? []) reject(entry.node, r, s);
    if (entry.meta) stage.applyMeta(entry.node, entry.meta);
    if (entry.status) stage.applyStatus(entry.node, entry.status, entry.receivedAt);
    const limitsNow = { sensors: stage, now: entry.receivedAt, ...limits };
    for (const [i, raw] of (entry.readings ?? []).entries()) {
      const valid = validateReading(entry.node, raw, limitsNow);
      if ('reason' in valid) {
        reject(entry.node, { ...valid, detail: `readings[${i}]: ${valid.detail}` }, s);
        continue;
      }
      const stored = normalise(valid, ctx, counters, batch, record, result);
      if ('reason' in stored) {
        reject(entry.node, stored, s);
        continue;
      }
      s.accepted++;
      trackSeq(s, valid.seq);
      record.readings.push([valid.sensor.id, valid.ts, valid.seq, stored.value]);
      result.stored.push(stored);
    }
  }
  const changes = stage.changes();
  if (changes.sensors.length > 0) record.sensors = changes.sensors.map(sensorColumns);
  if (changes.nodes.length > 0) record.nodes = changes.nodes;
  if (counters.size > 0) record.counters = [...counters].map(([id, c]) => [id, c.total, c.ts]);
  for (const [node, s] of stats) {
    if (!s.known) continue;
    record.nodeStats = record.nodeStats ?? [];
    record.nodeStats.push([node, s.accepted, s.rejected, s.lastSeen, s.maxSeq, s.gaps]);
    result.touchedNodes.add(node);
  }
  return { record, result };
}

/** Duplicates and counters: a counter's total becomes the delta since the last one. */
function normalise(
  reading: ValidReading,
  ctx: CheckContext,
  counters: Map<number, CounterState>,
  batch: Set<string>,
  record: CommitRecord,
  result: CommitResult,
): StoredReading | Rejected {
  const { sensor, ts, seq } = reading;
  const key = `${sensor.id}:${ts}`;
  if (batch.has(key) || ctx.isStored(sensor.id, ts)) {
    return {
      reason: 'duplicate',
      detail: `"${sensor.sensor}" at ${new Date(ts).toISOString()} (seq ${seq}) is stored already`,
    };
  }
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
      record.events = record.events ?? [];
      record.events.push([sensor.id, ts, outcome.event, state.total, value]);
      result.counterEvents.push({ sensor, ts, kind: outcome.event });
    }
    value = outcome.delta;
  }
  batch.add(key);
  return { sensor, ts, seq, value };
}
