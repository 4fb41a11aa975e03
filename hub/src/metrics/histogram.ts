/**
 * A latency histogram in the Prometheus sense: cumulative counts of observations at or under each
 * bound, plus their sum and count. Fixed bounds, a few numbers of memory, nothing allocated per
 * observation.
 */
export class Histogram {
  /** upper bounds in seconds, ascending; +Inf is implied */
  readonly bounds: readonly number[];
  private readonly counts: number[];
  private total = 0;
  private n = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = bounds.map(() => 0);
  }

  observe(seconds: number): void {
    for (let i = 0; i < this.bounds.length; i++) {
      if (seconds <= (this.bounds[i] as number)) this.counts[i] = (this.counts[i] as number) + 1;
    }
    this.total += seconds;
    this.n++;
  }

  snapshot(): { buckets: [number, number][]; sum: number; count: number } {
    return {
      buckets: this.bounds.map((b, i) => [b, this.counts[i] as number]),
      sum: this.total,
      count: this.n,
    };
  }
}

/** Bounds for a commit or a disk sync: 0.5 ms (a commit in memory) to 2.5 s (an SD card in trouble). */
export const LATENCY_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** How long ingest's group commits take, and the WAL sync after them (docs/ARCHITECTURE.md). */
export interface IngestTimings {
  commit: Histogram;
  sync: Histogram;
}

export function ingestTimings(): IngestTimings {
  return { commit: new Histogram(LATENCY_BOUNDS), sync: new Histogram(LATENCY_BOUNDS) };
}
