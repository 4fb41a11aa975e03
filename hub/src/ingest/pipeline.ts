import { MetaMessage, type NodeChannel, StatusMessage, seriesName } from '../../../protocol/index.ts';
import type { LiveBus } from '../live-bus.ts';
import type { CommitEntry, CommitResult, ReadingsStore } from '../store/readings-store.ts';
import type { Registry } from '../store/registry.ts';
import { GroupCommitter } from './group-commit.ts';
import { parseJsonPayload } from './payload.ts';
import { describeZodError, validateReadingsMessage } from './validate.ts';

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
}

/**
 * The ingest pipeline, as named steps:
 *   parse topic (the broker) → validate payload → normalise units → store (group commit) → publish live.
 * Everything a node sends on its own subtree passes through `receive`, in the order it arrived, so
 * acknowledgements keep that order even for rejected messages.
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
      // the disk sync runs off the event loop; PUBACKs wait for it (hub/src/store/wal-sync.ts)
      commit: (entries) => opts.store.walSync.unsynced(() => opts.store.commit(entries)),
      durable: (done) => opts.store.walSync.sync(done),
      committed: (result) => this.publishLive(result),
      failed: (err, n) => this.storeFailed(err, n),
    });
  }

  start(): void {}

  stop(): void {
    this.committer.stop();
  }

  /** A publish from an authenticated node on its own subtree; `done` acknowledges it. */
  receive(node: string, channel: NodeChannel, payload: Buffer, done: (err?: Error) => void): void {
    const entry: CommitEntry = { node, readings: [], rejections: [] };
    switch (channel) {
      case 'readings': {
        const validated = validateReadingsMessage(node, payload, {
          registry: this.opts.registry,
          now: this.now(),
          maxPastMs: this.opts.maxPastMs(),
          maxFutureMs: this.opts.maxFutureMs ?? 10 * 60_000,
        });
        entry.readings = validated.readings;
        entry.rejections = validated.rejections;
        break;
      }
      case 'meta':
        this.applyDescription(entry, payload, MetaMessage, (m) => this.opts.registry.applyMeta(node, m));
        break;
      case 'status':
        // an empty retained payload clears the retained status: nothing to apply
        if (payload.length === 0) break;
        this.applyDescription(entry, payload, StatusMessage, (s) => {
          this.opts.registry.applyStatus(node, s, this.now());
          this.emitNode(node);
        });
        break;
    }
    this.committer.enqueue(entry, done);
  }

  private applyDescription<T>(
    entry: CommitEntry,
    payload: Buffer,
    schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError };
    },
    apply: (value: T) => void,
  ): void {
    const parsed = parseJsonPayload(payload);
    if (!parsed.ok) {
      entry.rejections.push({ reason: 'bad_json', detail: parsed.detail });
      return;
    }
    const checked = schema.safeParse(parsed.value);
    if (!checked.success) {
      entry.rejections.push({ reason: 'bad_schema', detail: describeZodError(checked.error) });
      return;
    }
    apply(checked.data);
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
        unit: r.sensor.unit,
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
