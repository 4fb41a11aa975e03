/**
 * Exponential backoff with jitter, so that a neighbourhood's worth of agents coming back after a hub
 * restart do not all knock at the same instant.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: {
      initialMs?: number;
      maxMs?: number;
      factor?: number;
      random?: () => number;
    } = {},
  ) {}

  /** The delay before the next attempt, ms. */
  next(): number {
    const { initialMs = 500, maxMs = 30_000, factor = 2, random = Math.random } = this.opts;
    const base = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt += 1;
    return Math.round(base * (0.8 + 0.4 * random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
