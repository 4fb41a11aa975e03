import type { RejectReason } from '../../../protocol/index.ts';
import type { CounterEventKind } from '../ingest/counter-guard.ts';
import type { LedgerEntry } from './collective-ledger.ts';
import type { Registry, SensorRow } from './registry.ts';
import type { NodeDescription } from './registry-stage.ts';

/**
 * What a commit changed, as the commit log keeps it (JSON, docs/DATA.md "The commit log"): applying
 * the records after the last fold again, in order, rebuilds exactly what the hub held in memory.
 */
export interface CommitRecord {
  v: 1;
  /** sensors declared or changed by meta messages (written to SQLite at once, they are rare) */
  sensors?: Array<Pick<SensorRow, 'id' | 'node_id' | 'sensor' | 'quantity' | 'unit' | 'label' | 'part_of'>>;
  /** node fields set by meta and status messages */
  nodes?: NodeDescription[];
  /** [sensor id, ts, seq, value stored] */
  readings: Array<[number, number, number, number]>;
  /** counter state after the batch: [sensor id, total, ts] */
  counters?: Array<[number, number | null, number | null]>;
  /** [sensor id, ts, kind, previous total, new total] */
  events?: Array<[number, number, CounterEventKind, number | null, number]>;
  /** [node, ts, reason, detail] */
  rejections?: Array<[string, number, RejectReason, string]>;
  /** node statistics: [node, +accepted, +rejected, last seen, max seq, gaps] */
  nodeStats?: Array<[string, number, number, number, number | null, number]>;
  /** the collective ledger's verdicts made since the record before (hub/src/store/collective-ledger.ts) */
  ledger?: LedgerEntry[];
}

export interface NodeStats {
  accepted: number;
  rejected: number;
  lastSeen: number;
  maxSeq: number | null;
  gaps: number;
}

export function sensorColumns(
  s: SensorRow,
): Pick<SensorRow, 'id' | 'node_id' | 'sensor' | 'quantity' | 'unit' | 'label' | 'part_of'> {
  return {
    id: s.id,
    node_id: s.node_id,
    sensor: s.sensor,
    quantity: s.quantity,
    unit: s.unit,
    label: s.label,
    part_of: s.part_of,
  };
}

/**
 * Gaps in a node's sequence numbers: a jump forward opens gaps, a late reading (a replay from the
 * node's store-and-forward queue) closes one.
 */
export function trackSeq(d: NodeStats, seq: number): void {
  if (d.maxSeq === null) d.maxSeq = seq;
  else if (seq > d.maxSeq) {
    d.gaps += seq - d.maxSeq - 1;
    d.maxSeq = seq;
  } else if (seq < d.maxSeq && d.gaps > 0) d.gaps--;
}

/** A node's statistics in one batch; `known`: the node is registered (its statistics are kept). */
export type BatchStats = NodeStats & { known: boolean };

/** A node's statistics for this batch, starting from the registry's (the batch may move them). */
export function batchStatsOf(
  stats: Map<string, BatchStats>,
  registry: Registry,
  node: string,
  now: number,
): BatchStats {
  let s = stats.get(node);
  if (!s) {
    const row = registry.node(node);
    s = {
      accepted: 0,
      rejected: 0,
      lastSeen: now,
      maxSeq: row?.max_seq ?? null,
      gaps: row?.gaps ?? 0,
      known: !!row,
    };
    stats.set(node, s);
  }
  return s;
}
