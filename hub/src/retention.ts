import { asLog } from './log.ts';
import type { Store } from './store/store.ts';

export interface RetentionOptions {
  store: Store;
  now?: () => number;
  intervalMs?: number;
  log: (line: string) => void;
}

export interface PurgePlan {
  cutoff: number;
  readings: number;
}

/** The audit log keeps 3 years (erasures for good). */
const AUDIT_YEARS = 3;

/**
 * Raw readings older than the retention set on the console are deleted in the background, once an
 * hour (hub/src/store/expired-readings.ts); rollups are kept for good.
 */
export class Retention {
  private readonly opts: RetentionOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  nextRun: number | null = null;

  constructor(opts: RetentionOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.schedule(60_000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** What the next purge would remove, without removing it. */
  plan(): PurgePlan {
    const cutoff = this.cutoff();
    return { cutoff, readings: this.opts.store.expired.count(cutoff) };
  }

  /** Deletes what is past retention; resolves with the number of raw readings removed. */
  async purge(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const { store } = this.opts;
      const cutoff = this.cutoff();
      const removed = await store.expired.purge(cutoff);
      store.audit.purge(this.now() - AUDIT_YEARS * 365 * 86_400_000);
      if (removed > 0)
        this.opts.log(
          `retention: removed ${removed} raw readings older than ${new Date(cutoff).toISOString()}`,
        );
      return removed;
    } finally {
      this.running = false;
    }
  }

  private cutoff(): number {
    return this.now() - this.opts.store.settings.get().rawRetentionDays * 86_400_000;
  }

  private schedule(ms: number): void {
    this.nextRun = this.now() + ms;
    this.timer = setTimeout(() => {
      this.purge()
        .catch((err: Error) => asLog(this.opts.log).warn(`retention failed, will retry: ${err.message}`))
        .finally(() => this.schedule(this.opts.intervalMs ?? 3_600_000));
    }, ms);
    this.timer.unref();
  }
}
