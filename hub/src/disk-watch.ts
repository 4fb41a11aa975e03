import fs from 'node:fs';
import { asLog } from './log.ts';

export interface DiskWatchOptions {
  dir: string;
  /** conditions people should know about (the hub's notices, shown on the dashboard and console) */
  notices: Set<string>;
  /** less free than this is full (default 32 MiB, or 2 % of a disk smaller than 1.6 GB) */
  minFreeBytes?: number;
  everyMs?: number;
  log: (line: string) => void;
}

/**
 * Says so while the disk that holds the data directory is (nearly) full, and for as long as it is:
 * the notice follows the free space itself, not the last write that happened to succeed.
 */
export class DiskWatch {
  private readonly opts: DiskWatchOptions;
  private timer: NodeJS.Timeout | undefined;
  private notice: string | undefined;
  private wasFull = false;

  constructor(opts: DiskWatchOptions) {
    this.opts = opts;
  }

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.opts.everyMs ?? 5_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Looks at the free space now; returns the bytes free. */
  check(): number {
    let free: number;
    let total: number;
    try {
      const s = fs.statfsSync(this.opts.dir);
      free = s.bavail * s.bsize;
      total = s.blocks * s.bsize;
    } catch {
      return Number.NaN;
    }
    const limit = Math.min(this.opts.minFreeBytes ?? 32 * 2 ** 20, total * 0.02);
    const full = free < limit;
    if (this.notice) this.opts.notices.delete(this.notice);
    this.notice = undefined;
    if (full && !this.wasFull)
      asLog(this.opts.log).warn(`disk full: ${(free / 2 ** 20).toFixed(1)} MB free in ${this.opts.dir}`);
    this.wasFull = full;
    if (full) {
      this.notice = `the disk holding ${this.opts.dir} is full (${(free / 2 ** 20).toFixed(1)} MB free): readings cannot be stored for long; free some space`;
      this.opts.notices.add(this.notice);
    }
    return free;
  }
}
