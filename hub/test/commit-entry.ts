import type { CommitEntry, CommitResult, ReadingsStore, TimeLimits } from '../src/store/readings-store.ts';
import type { SensorRow } from '../src/store/registry.ts';

/** Tests of the store commit readings of any age: the hub's own limits are ingest's settings. */
export const ANY_TIME: TimeLimits = {
  maxPastMs: Number.POSITIVE_INFINITY,
  maxFutureMs: Number.POSITIVE_INFINITY,
};

/** A commit entry of a node's readings of one sensor, as its message would carry them. */
export function entryOf(
  sensor: SensorRow,
  points: ReadonlyArray<{ ts: number; seq?: number | null; value: number }>,
  receivedAt = Date.now(),
): CommitEntry {
  return {
    node: sensor.node_id,
    receivedAt,
    readings: points.map((p) => ({
      sensor: sensor.sensor,
      quantity: sensor.quantity,
      unit: sensor.unit,
      value: p.value,
      ts: p.ts,
      seq: p.seq ?? 0,
    })),
  };
}

/** Commits on a store without a commit log, where the commit completes at once; returns its result. */
export function commitNow(
  store: ReadingsStore,
  entries: readonly CommitEntry[],
  limits: TimeLimits = ANY_TIME,
): CommitResult {
  let out: CommitResult | Error | undefined;
  store.commit(entries, limits, (err, result) => {
    out = err ?? result;
  });
  if (out === undefined) throw new Error('commitNow: this store commits through a log, asynchronously');
  if (out instanceof Error) throw out;
  return out;
}
