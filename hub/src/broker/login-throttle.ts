export interface LoginThrottleOptions {
  /** failed logins from one address tolerated within one second */
  maxFailuresPerSecond?: number;
  /** how long an address over the limit is refused without checking its secret */
  blockMs?: number;
  now?: () => number;
}

interface AddressState {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

/** Addresses remembered at most; past it the stalest are forgotten (a spoofing flood cannot grow it). */
const MAX_ADDRESSES = 10_000;

/**
 * Per-address throttling of failed logins, one for the hub: MQTT (TCP and WebSocket) and
 * POST /data.php count against the same address. Each check costs an scrypt (tens of ms of CPU on
 * a Pi): a client guessing secrets quickly would both guess and starve ingest. An address that
 * fails more than N times in a second is refused at once, without scrypt, for `blockMs`; other
 * addresses (the neighbourhood's nodes) are not affected. Many addresses guessing at once are held
 * by the scrypt queue (hub/src/store/scrypt-queue.ts).
 */
export class LoginThrottle {
  private readonly max: number;
  readonly blockMs: number;
  private readonly now: () => number;
  private readonly byAddress = new Map<string, AddressState>();
  /** logins refused because their address was blocked */
  throttled = 0;

  constructor(opts: LoginThrottleOptions = {}) {
    this.max = opts.maxFailuresPerSecond ?? 5;
    this.blockMs = opts.blockMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** True when a login from `address` must be refused without checking it. */
  blocked(address: string | undefined): boolean {
    if (!address) return false;
    const s = this.byAddress.get(address);
    if (!s || s.blockedUntil <= this.now()) return false;
    this.throttled++;
    return true;
  }

  failed(address: string | undefined): void {
    if (!address) return;
    const now = this.now();
    let s = this.byAddress.get(address);
    if (!s) {
      if (this.byAddress.size >= MAX_ADDRESSES) this.forgetStale(now);
      s = { windowStart: now, failures: 0, blockedUntil: 0 };
      this.byAddress.set(address, s);
    }
    if (now - s.windowStart >= 1000) {
      s.windowStart = now;
      s.failures = 0;
    }
    s.failures++;
    if (s.failures > this.max) s.blockedUntil = now + this.blockMs;
  }

  private forgetStale(now: number): void {
    for (const [address, s] of this.byAddress) {
      if (s.blockedUntil <= now && now - s.windowStart >= 1000) this.byAddress.delete(address);
    }
    // everything is fresh: drop the oldest entries (Map keeps insertion order)
    for (const address of this.byAddress.keys()) {
      if (this.byAddress.size < MAX_ADDRESSES) break;
      this.byAddress.delete(address);
    }
  }
}
