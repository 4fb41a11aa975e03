import { hashSecret, verifySecret } from './secrets.ts';

/** Refused at once: `maxWaiting` checks are already waiting. Callers answer "busy, try again". */
export class ScryptBusy extends Error {
  constructor(waiting: number) {
    super(`${waiting} password checks are waiting already: try again in a few seconds`);
  }
}

export interface ScryptQueueOptions {
  /** scrypts running at once (default 1) */
  concurrency?: number;
  /** checks from the network waiting for their turn, at most (default 32); more are refused */
  maxWaiting?: number;
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

/**
 * Every scrypt of the hub goes through here: at most one at a time, by default. scrypt runs in
 * libuv's thread pool (4 threads), where the commit log's write and `fdatasync` that release every
 * PUBACK also run (hub/src/store/commit-log.ts): a guessing flood, one scrypt per guess, filled the
 * pool and held acknowledgements back for seconds (docs/RELIABILITY.md). One at a time leaves the
 * other threads to the disk, and a bounded waiting list keeps a flood from queueing minutes of
 * work: past it a check is refused with `ScryptBusy`. Hashes for the console (`node add`, `node
 * rotate`, links) are never refused and go before the checks waiting.
 */
export class ScryptQueue {
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private readonly waiting: Job[] = [];
  /** the console's hashes waiting: they go first */
  private readonly urgent: Job[] = [];
  private running = 0;
  /** checks refused because the waiting list was full */
  refused = 0;

  constructor(opts: ScryptQueueOptions = {}) {
    this.concurrency = opts.concurrency ?? 1;
    this.maxWaiting = opts.maxWaiting ?? 32;
  }

  /** Checks a secret from the network against its stored hash; rejects with ScryptBusy when full. */
  verify(secret: string, stored: string): Promise<boolean> {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) {
      this.refused++;
      return Promise.reject(new ScryptBusy(this.waiting.length));
    }
    return this.enqueue(this.waiting, () => verifySecret(secret, stored));
  }

  /** Hashes a new secret (the console): never refused, served before the checks waiting. */
  hash(secret: string): Promise<string> {
    return this.enqueue(this.urgent, () => hashSecret(secret));
  }

  private enqueue<T>(list: Job[], run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      list.push({ run, resolve: resolve as (value: never) => void, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const job = this.urgent.shift() ?? this.waiting.shift();
      if (!job) return;
      this.running++;
      job
        .run()
        .then(job.resolve as (value: unknown) => void, job.reject)
        .finally(() => {
          this.running--;
          this.next();
        });
    }
  }
}
