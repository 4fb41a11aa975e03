const MS_PER_HOUR = 3_600_000;

/**
 * The shortest span of the meter's history a power figure is worked out over. Frames are stamped
 * with their arrival, and a busy machine reads them late and in bursts: two frames read 2 ms apart
 * with the index 1 Wh further would say 1.8 MW. Over 30 s, a burst of a second or two moves the figure
 * by a few per cent, and 1 Wh is 120 W of resolution where one frame's 1.5 s gives 2,400 W.
 */
export const INDEX_POWER_WINDOW_MS = 30_000;

/**
 * Active power from a meter's index registers, for meters that give only apparent power (a Linky):
 * the index moves by whole Wh, so between two moves of the index at least INDEX_POWER_WINDOW_MS
 * apart, P = ΔWh × 3600 / Δt(s). Without a move, the power can be at most 1 Wh over the time since the
 * last one, so the estimate decays instead of holding a stale value. The same reasoning as the
 * meter-pulse driver's, with the frame's arrival (every 1-2 s) in place of the pulse's edge.
 * `totalWh` is drawn minus injected, so a producer's power goes negative.
 */
export class IndexPower {
  private seen: number | undefined;
  /** the moves of the index, oldest first, back to the newest one a window before the last */
  private edges: Array<{ wh: number; at: number }> = [];
  private watts: number | undefined;

  constructor(private readonly windowMs = INDEX_POWER_WINDOW_MS) {}

  update(totalWh: number, at: number): void {
    if (this.seen === undefined || totalWh < this.seen - 1e6) {
      // the first frame, or a meter replaced: a baseline only
      this.seen = totalWh;
      this.edges = [];
      this.watts = undefined;
      return;
    }
    const last = this.edges.at(-1);
    if (totalWh !== this.seen) {
      this.seen = totalWh;
      const edge = { wh: totalWh, at: Math.max(at, last?.at ?? at) };
      this.edges.push(edge);
      const before = edge.at - this.windowMs;
      while (this.edges.length > 2 && (this.edges[1]?.at ?? Number.POSITIVE_INFINITY) <= before)
        this.edges.shift();
      const from = this.edges[0];
      if (from && from !== edge && from.at <= before)
        this.watts = ((edge.wh - from.wh) * MS_PER_HOUR) / (edge.at - from.at);
    } else if (last && this.watts !== undefined && at > last.at) {
      const bound = MS_PER_HOUR / (at - last.at);
      if (Math.abs(this.watts) > bound) this.watts = Math.sign(this.watts) * bound;
    }
  }

  /** W, once the index has moved twice at least a window apart */
  get power(): number | undefined {
    return this.watts;
  }
}
