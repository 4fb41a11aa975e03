import { QUANTITIES, seriesName } from '../../../protocol/index.ts';
import type { LiveBus } from '../live-bus.ts';
import type { IngestTimings } from '../metrics/histogram.ts';
import type { CommitEntry, CommitResult, ReadingsStore } from '../store/readings-store.ts';
import type { Registry } from '../store/registry.ts';
import { GroupCommitter } from './group-commit.ts';
import type { Submission } from './submission.ts';
import type { Rejected } from './validate.ts';

export interface IngestOptions {
  registry: Registry;
  store: ReadingsStore;
  bus: LiveBus;
  commitWindowMs: number;
  maxBatch?: number;
  /** readings older than this are refused (they would fall out of raw retention at once) */
  maxPastMs: () => number;
  maxFutureMs?: number;
  now?: () => number;
  log: (line: string) => void;
  /** told when a commit fails or succeeds again (disk full and back) */
  onStoreHealth?: (ok: boolean, err?: Error) => void;
  /** where commit and sync latencies are counted (/metrics) */
  timings?: IngestTimings;
  /** the hub's clock: while it is not trusted, readings are held (hub/src/time/trusted-clock.ts) */
  clock?: { readonly trusted: boolean };
}

/**
 * The ingest pipeline, the one way into the store, as named steps:
 *   parse (each source: the broker's topic and payload, an interop adapter, the airrohr route, the
 *   demo) → submit → [group commit: registry changes → validate → normalise → duplicates and
 *   counters → store] → durable → acknowledge → publish live.
 * Every source calls `submit`, in the order its messages arrived, and is acknowledged in that order,
 * rejected messages included.
 */
export class IngestPipeline {
  private readonly opts: IngestOptions;
  private readonly now: () => number;
  readonly committer: GroupCommitter<CommitEntry, CommitResult>;
  private storeOk = true;

  constructor(opts: IngestOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.committer = new GroupCommitter({
      windowMs: opts.commitWindowMs,
      maxBatch: opts.maxBatch ?? 5000,
      eagerBatch: 64,
      // a commit-log record stays a few MB at most, whatever the messages carry
      weight: (entry) => entry.readings?.length ?? 0,
      maxWeight: 20_000,
      // acknowledged once the commit's record is on disk (hub/src/store/commit-log.ts); the time
      // to check a commit and the time its record takes to reach the disk are counted (/metrics)
      commit: (entries, done) => {
        const started = performance.now();
        let returned: number | undefined;
        opts.store.commit(
          entries,
          { maxPastMs: opts.maxPastMs(), maxFutureMs: opts.maxFutureMs ?? 10 * 60_000 },
          (err, result) => {
            const end = performance.now();
            opts.timings?.sync.observe((end - (returned ?? end)) / 1000);
            done(err, result);
          },
        );
        returned = performance.now();
        opts.timings?.commit.observe((returned - started) / 1000);
      },
      committed: (result) => this.publishLive(result),
      failed: (err, n) => this.storeFailed(err, n),
    });
  }

  start(): void {}

  /** Commits what is queued and refuses anything later; resolves once it is durable. */
  async stop(): Promise<void> {
    await this.committer.stop();
  }

  /** One message of one node, from any source; `done` acknowledges it once it is durable. */
  submit(submission: Submission, done: (err?: Error) => void): void {
    const receivedAt = this.now();
    const n = submission.readings?.length ?? 0;
    if (n > 0 && this.opts.clock?.trusted === false) {
      // The hub cannot tell a right time from a wrong one: its readings are not stored under a
      // wrong date nor acknowledged, so the node keeps them and sends them again (store and
      // forward) once the time is set. Its meta and status still apply; the refusal is counted.
      const held: Rejected = {
        reason: 'clock_untrusted',
        detail: `${n} reading(s) held by the node: the hub's clock is not trusted until the time is set`,
      };
      const rejections = [...(submission.rejections ?? []), held];
      const { node, meta, status } = submission;
      this.committer.enqueue(commitEntry({ node, meta, status, rejections }, receivedAt), (err) =>
        done(err ?? new Error(held.detail)),
      );
      return;
    }
    this.committer.enqueue(commitEntry(submission, receivedAt), done);
  }

  private publishLive(result: CommitResult): void {
    if (!this.storeOk) {
      this.storeOk = true;
      this.opts.onStoreHealth?.(true);
    }
    const { bus } = this.opts;
    // collective figures are decided apart, once their minute has settled
    // (hub/src/privacy/collective-publisher.ts): a figure per commit would publish each reading
    for (const r of result.stored) {
      if (bus.listenerCount('reading') === 0) continue;
      bus.emit('reading', {
        sensorId: r.sensor.id,
        series: seriesName(r.sensor.node_id, r.sensor.sensor),
        node: r.sensor.node_id,
        sensor: r.sensor.sensor,
        quantity: r.sensor.quantity,
        // the value is canonical (validate.ts converted it), so is its unit
        unit: QUANTITIES[r.sensor.quantity].unit,
        ts: r.ts,
        value: r.value,
      });
    }
    for (const node of result.touchedNodes) this.emitNode(node);
  }

  private emitNode(id: string): void {
    const row = this.opts.registry.node(id);
    if (!row || this.opts.bus.listenerCount('node') === 0) return;
    this.opts.bus.emit('node', {
      id,
      state: row.status === 'offline' ? 'offline' : 'online',
      lastSeen: row.last_seen,
      accepted: row.accepted,
      rejected: row.rejected,
    });
  }

  private storeFailed(err: Error, entries: number): void {
    this.opts.log(`could not store ${entries} message(s), not acknowledged: ${err.message}`);
    if (this.storeOk) {
      this.storeOk = false;
      this.opts.onStoreHealth?.(false, err);
    }
  }
}

/**
 * A submission as the commit takes it, every field written out. Not `{ ...submission, receivedAt }`:
 * once V8 (Node 20) optimises a spread followed by a new key, every object it makes gets a hidden
 * class of its own, and each read of an entry in the commit misses its inline cache
 * (docs/PERFORMANCE.md, "Where a reading's CPU goes").
 */
export function commitEntry(s: Submission, receivedAt: number): CommitEntry {
  return {
    node: s.node,
    meta: s.meta,
    status: s.status,
    readings: s.readings,
    rejections: s.rejections,
    receivedAt,
  };
}
