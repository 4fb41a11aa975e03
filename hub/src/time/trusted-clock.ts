import fs from 'node:fs';
import type { ClockStore } from '../store/clock-store.ts';

/** A node clock this far ahead of the hub's is refused (ts_future); the trusted clock allows for it. */
export const NODE_AHEAD_MS = 10 * 60_000;

export interface TrustedClockOptions {
  /** the machine's clock (Date.now, or a test's) */
  system: () => number;
  store: ClockStore;
  /** node clocks may run this far ahead of the hub's (the ingest's ts_future limit) */
  aheadMs: number;
  /** how often a clock that went back is looked for */
  everyMs?: number;
  /**
   * how often the time is saved (default 15 minutes): each save is a synced write (one page),
   * and the newest reading stored also bounds the time after a restart
   */
  saveEveryMs?: number;
  /** a clock this little behind is still trusted (a clock stepped by NTP, a save just before a stop) */
  toleranceMs?: number;
  /** the machine's boot id; default /proc/sys/kernel/random/boot_id */
  bootId?: () => string | null;
  log: (line: string) => void;
  /** told when trust is lost (with the line people should see) and when it comes back */
  onChange?: (trusted: boolean, notice: string | undefined) => void;
}

export interface ClockState {
  trusted: boolean;
  /** the hub's time: the machine's plus `offsetMs` */
  now: number;
  offsetMs: number;
  /** the hub's time must not be before this: the last saved time, or the newest reading's */
  floor: number | null;
  notice: string | undefined;
}

/**
 * The hub's time, and whether to trust it. A Raspberry Pi has no real-time clock: offline it boots
 * at the last time it saved, or in 1970. At start the hub compares the machine's clock with the
 * last time it saved and the newest reading stored; a clock behind either is not trusted until the
 * admin sets the time (`time set` on the console), or the machine's clock catches up (an RTC, an
 * admin's `date -s`). The offset `time set` adds holds for this boot of the machine (kept with its
 * boot id), so a hub restarted by systemd keeps it and a rebooted machine is checked again.
 */
export class TrustedClock {
  private readonly opts: TrustedClockOptions;
  private offsetMs = 0;
  private trustedNow = true;
  private floor: number | null = null;
  private notice: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSave = Number.NEGATIVE_INFINITY;

  constructor(opts: TrustedClockOptions) {
    this.opts = opts;
  }

  /** The hub's time in epoch ms. */
  readonly now = (): number => this.opts.system() + this.offsetMs;

  get trusted(): boolean {
    return this.trustedNow;
  }

  /** Checks the clock against what the database remembers; logs and reports a clock behind. */
  check(): void {
    const saved = this.opts.store.saved();
    if (saved && saved.offsetMs !== 0 && saved.bootId !== null && saved.bootId === this.bootId())
      this.offsetMs = saved.offsetMs;
    const newest = this.opts.store.newestReadingTs();
    const candidates = [saved?.ts, newest === null ? undefined : newest - this.opts.aheadMs];
    const known = candidates.filter((t): t is number => t !== undefined);
    this.floor = known.length ? Math.max(...known) : null;
    this.evaluate();
  }

  start(): void {
    this.check();
    // a trusted start is a time known good from now on
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.everyMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.trustedNow) this.save();
  }

  /** The admin's time: trusted from now on, for this boot of the machine. */
  set(ts: number): void {
    this.offsetMs = Math.round(ts - this.opts.system());
    this.floor = ts;
    this.save();
    this.evaluate();
  }

  state(): ClockState {
    return {
      trusted: this.trustedNow,
      now: this.now(),
      offsetMs: this.offsetMs,
      floor: this.floor,
      notice: this.notice,
    };
  }

  private tick(): void {
    this.evaluate();
    if (this.trustedNow) {
      if (this.opts.system() - this.lastSave >= (this.opts.saveEveryMs ?? 15 * 60_000)) this.save();
      this.floor = this.now();
    }
  }

  private evaluate(): void {
    const now = this.now();
    const behind = this.floor !== null && now < this.floor - (this.opts.toleranceMs ?? 60_000);
    if (behind && this.trustedNow) {
      this.trustedNow = false;
      this.notice = `the hub's clock (${iso(now)}) is behind the last time it knew (${iso(this.floor as number)}): readings are held until the time is set — on the console: time set YYYY-MM-DDTHH:MM`;
      this.opts.log(this.notice);
      this.opts.onChange?.(false, this.notice);
    } else if (!behind && !this.trustedNow) {
      this.trustedNow = true;
      this.notice = undefined;
      this.opts.log(`the hub's clock reads ${iso(now)}: trusted again, readings are stored again`);
      this.opts.onChange?.(true, undefined);
    }
  }

  private save(): void {
    this.lastSave = this.opts.system();
    this.opts.store.save({ ts: this.now(), offsetMs: this.offsetMs, bootId: this.bootId() });
  }

  private bootId(): string | null {
    if (this.opts.bootId) return this.opts.bootId();
    try {
      return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      return null;
    }
  }
}

function iso(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
