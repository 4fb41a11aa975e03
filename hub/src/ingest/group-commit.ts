/**
 * Group commit: messages queue up for a short window and are committed together, then their
 * callbacks run in the order they arrived. Acknowledging in the callback gives "a QoS 1 PUBACK means
 * the reading is on disk" and keeps PUBACKs in order (MQTT-4.6.0-2), while an SD card sees a few
 * small writes a second, not one per message (docs/DESIGN.md).
 *
 * One commit at a time: while one is being made durable, new messages wait and go into the next,
 * which is how batches grow under load without a longer window.
 */
/** The group commit window of `communs hub` (`--commit-window`): docs/DESIGN.md "Durability an SD card survives". */
export const DEFAULT_COMMIT_WINDOW_MS = 600;

export interface GroupCommitOptions<E, R> {
  /**
   * How long the first message of a batch may wait. The longer, the fewer writes on a quiet hub; it
   * bounds the time to acknowledgement (docs/PERFORMANCE.md).
   */
  windowMs: number;
  /** a batch holds at most this many messages */
  maxBatch: number;
  /**
   * A queue this long is committed at once instead of waiting out the window: aedes reads no more
   * from a socket until the packets of its last read are acknowledged, so under load waiting longer
   * cannot grow the batch, it only idles the connection. Default: `maxBatch`.
   */
  eagerBatch?: number;
  /** the weight of a message (its readings); a batch stops before passing `maxWeight` */
  weight?: (entry: E) => number;
  maxWeight?: number;
  /** commits a batch; calls back once it is durable, with its result */
  commit: (entries: E[], done: (err: Error | null, result?: R) => void) => void;
  /** called after a successful commit, once its messages are acknowledged */
  committed?: (result: R) => void;
  failed?: (err: Error, entries: number) => void;
  now?: () => number;
}

interface Pending<E> {
  entry: E;
  done: (err?: Error) => void;
}

export class GroupCommitter<E, R> {
  private readonly opts: GroupCommitOptions<E, R>;
  private readonly now: () => number;
  private queue: Pending<E>[] = [];
  /** when the oldest queued message arrived */
  private oldest = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private inFlight = false;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  lastCommitTs: number | null = null;

  constructor(opts: GroupCommitOptions<E, R>) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(entry: E, done: (err?: Error) => void): void {
    if (this.stopped) {
      done(new Error('ingest has stopped'));
      return;
    }
    if (this.queue.length === 0) this.oldest = this.now();
    this.queue.push({ entry, done });
    this.schedule();
  }

  /** Commits what is queued now, without waiting out the window (after any commit under way). */
  flush(): void {
    this.clearTimers();
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.take();
    this.inFlight = true;
    let settled = false;
    const finish = (err: Error | null, result?: R) => {
      if (settled) return;
      settled = true;
      this.inFlight = false;
      if (err) {
        // nothing of the batch is stored: not acknowledged, so the nodes send again
        this.opts.failed?.(err, batch.length);
        for (const p of batch) p.done(err);
      } else {
        this.lastCommitTs = Date.now();
        for (const p of batch) p.done();
        if (result !== undefined) this.opts.committed?.(result);
      }
      if (this.queue.length > 0) this.schedule();
      else this.wakeIdle();
    };
    try {
      this.opts.commit(
        batch.map((p) => p.entry),
        finish,
      );
    } catch (err) {
      finish(err as Error);
    }
  }

  /** Resolves once everything queued so far is committed (or failed). */
  idle(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    this.flush();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Commits what is queued, refuses anything later, and resolves once all of it is durable. */
  async stop(): Promise<void> {
    await this.idle();
    this.stopped = true;
    this.clearTimers();
  }

  private take(): Pending<E>[] {
    const { maxBatch, weight, maxWeight = Number.POSITIVE_INFINITY } = this.opts;
    let n = 0;
    let w = 0;
    while (n < this.queue.length && n < maxBatch) {
      const next = weight ? weight((this.queue[n] as Pending<E>).entry) : 0;
      if (n > 0 && w + next > maxWeight) break;
      w += next;
      n++;
    }
    const batch = this.queue.slice(0, n);
    this.queue = this.queue.slice(n);
    if (this.queue.length > 0) this.oldest = this.now();
    return batch;
  }

  private schedule(): void {
    if (this.inFlight) return;
    const eager = Math.min(this.opts.maxBatch, this.opts.eagerBatch ?? this.opts.maxBatch);
    if (this.queue.length >= eager || this.idleWaiters.length > 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
      return;
    }
    if (this.timer || this.immediate) return;
    const wait = Math.max(0, this.opts.windowMs - (this.now() - this.oldest));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
