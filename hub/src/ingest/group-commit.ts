/**
 * Group commit: messages queue up for a short window and are written in one transaction, then
 * their callbacks run in the order they arrived. Acknowledging in the callback gives "a QoS 1
 * PUBACK means the reading is on disk" (aedes sends PUBACK when authorizePublish calls back) and
 * keeps PUBACKs in order (MQTT-4.6.0-2), while an SD card sees a few syncs a second, not one per
 * reading.
 */
export interface GroupCommitOptions<E, R> {
  /** how long the first message of a batch may wait; 0 = the end of the current event-loop turn */
  windowMs: number;
  /** a batch this large is written at once */
  maxBatch: number;
  /**
   * A queue this long is written at the end of the current event-loop turn instead of waiting out
   * the window. aedes hands over the packets of one socket read and reads no more from that socket
   * until all of them are acknowledged, so under load waiting longer cannot grow the batch, it only
   * idles the connection: one 100 ms window per read capped a pipelining node at ~2k readings/s.
   * The sync is still shared by at least this many readings. Default: `maxBatch`.
   */
  eagerBatch?: number;
  commit: (entries: E[]) => R;
  /**
   * Calls back once what was committed is on disk (hub/src/store/wal-sync.ts): the messages are
   * acknowledged then. Without it, a commit is taken as durable when it returns.
   */
  durable?: (done: (err?: Error) => void) => void;
  /** called after a successful commit, outside the transaction */
  committed?: (result: R) => void;
  failed?: (err: Error, entries: number) => void;
}

interface Pending<E> {
  entry: E;
  done: (err?: Error) => void;
}

export class GroupCommitter<E, R> {
  private readonly opts: GroupCommitOptions<E, R>;
  private queue: Pending<E>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  lastCommitTs: number | null = null;

  constructor(opts: GroupCommitOptions<E, R>) {
    this.opts = opts;
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(entry: E, done: (err?: Error) => void): void {
    this.queue.push({ entry, done });
    if (this.queue.length >= Math.min(this.opts.maxBatch, this.opts.eagerBatch ?? this.opts.maxBatch))
      this.schedule(0);
    else this.schedule(this.opts.windowMs);
  }

  /** Writes whatever is queued now. Returns false when the write failed. */
  flush(): boolean {
    this.clearTimers();
    if (this.queue.length === 0) return true;
    const batch = this.queue;
    this.queue = [];
    let result: R;
    try {
      result = this.opts.commit(batch.map((p) => p.entry));
    } catch (err) {
      this.opts.failed?.(err as Error, batch.length);
      for (const p of batch) p.done(err as Error);
      return false;
    }
    this.lastCommitTs = Date.now();
    const acknowledge = (err?: Error) => {
      // the readings are committed but their sync failed: not acknowledged, so the nodes send
      // them again (and the store absorbs them as duplicates)
      if (err) this.opts.failed?.(err, batch.length);
      for (const p of batch) p.done(err);
    };
    if (this.opts.durable) this.opts.durable(acknowledge);
    else acknowledge();
    this.opts.committed?.(result);
    return true;
  }

  stop(): void {
    this.flush();
  }

  private schedule(ms: number): void {
    if (ms === 0) {
      if (this.immediate) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => this.flush());
      return;
    }
    if (this.timer || this.immediate) return;
    this.timer = setTimeout(() => this.flush(), ms);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
