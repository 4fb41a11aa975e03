import { Worker } from 'node:worker_threads';
import { asLog } from '../log.ts';

export interface ReadPoolOptions {
  /** the database file (its WAL and shared-memory files beside it) */
  file: string;
  /** named SQL statements the workers prepare; a query names one */
  statements: Record<string, string>;
  /** threads, each with its own read-only connection (default 1) */
  workers?: number;
  /** each worker's SQLite page cache, KiB (default 4096) */
  cacheKib?: number;
  /**
   * How much of the file each worker reads through a memory map, bytes (default 0: none). A map
   * saves ~0.3 ms a day chart, but an SD card's read error on a mapped page kills the whole hub
   * (SIGBUS) where a plain read gives SQLite an error the request reports: off until that is worth it.
   */
  mmapBytes?: number;
  log: (line: string) => void;
}

interface Pending {
  resolve: (row: unknown[] | undefined) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: number;
  pending: Map<number, Pending>;
}

/**
 * Worker threads that read the database on connections of their own (hub/src/store/read-worker.mjs),
 * for the queries that cost the hub's thread most per request: a day chart of one series is ~0.8 ms
 * of SQLite building JSON, and twenty residents asking at once queued behind each other and behind
 * ingest (docs/PERFORMANCE.md "Queries"). They read what is in the file, which is everything up to
 * the last fold; what ingest holds since is merged on the hub's thread (series-query.ts). When no
 * worker can start, `available` stays false and callers read on the hub's thread.
 */
export class ReadPool {
  private readonly opts: ReadPoolOptions;
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(opts: ReadPoolOptions) {
    this.opts = opts;
  }

  get available(): boolean {
    return this.slots.some((s) => s.ready);
  }

  async start(): Promise<void> {
    const n = this.opts.workers ?? 1;
    await Promise.all(Array.from({ length: n }, () => this.spawn()));
  }

  /** The row a named statement gives for `params`, read by the least busy worker. */
  get(name: string, params: unknown[]): Promise<unknown[] | undefined> {
    let slot: Slot | undefined;
    for (const s of this.slots) if (s.ready && (!slot || s.busy < slot.busy)) slot = s;
    if (!slot) return Promise.reject(new Error('no read worker'));
    const id = this.nextId++;
    const target = slot;
    target.busy++;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, name, params });
    });
  }

  async stop(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.ready = false;
            s.worker.once('exit', () => resolve());
            s.worker.postMessage('close');
            setTimeout(() => void s.worker.terminate().then(() => resolve()), 2000).unref();
          }),
      ),
    );
  }

  private spawn(): Promise<void> {
    return new Promise((resolve) => {
      const worker = new Worker(new URL('./read-worker.mjs', import.meta.url), {
        workerData: {
          file: this.opts.file,
          statements: this.opts.statements,
          cacheKib: this.opts.cacheKib ?? 4096,
          mmapBytes: this.opts.mmapBytes ?? 0,
        },
        // a worker needs no loader: it is plain JavaScript
        execArgv: [],
      });
      const slot: Slot = { worker, ready: false, busy: 0, pending: new Map() };
      this.slots.push(slot);
      worker.on('message', (m: { ready?: true; id?: number; row?: unknown[]; error?: string }) => {
        if (m.ready) {
          slot.ready = true;
          resolve();
          return;
        }
        const p = m.id !== undefined ? slot.pending.get(m.id) : undefined;
        if (!p || m.id === undefined) return;
        slot.pending.delete(m.id);
        slot.busy--;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.row);
      });
      worker.on('error', (err) => {
        asLog(this.opts.log).warn(`read worker failed (${err.message}): reading on the hub's thread`);
        this.drop(slot, err);
        resolve();
      });
      worker.on('exit', () => {
        this.drop(slot, new Error('read worker exited'));
        resolve();
      });
    });
  }

  private drop(slot: Slot, err: Error): void {
    slot.ready = false;
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }
}
