const MS_PER_HOUR = 3_600_000;

/**
 * Active power from a meter's index registers, for meters that give only apparent power (a Linky):
 * the index moves by whole Wh, so between two frames where it moved, P = ΔWh × 3600 / Δt(s). Without
 * a move, the power can be at most 1 Wh over the time since the last one, so the estimate decays
 * instead of holding a stale value. The same reasoning as the meter-pulse driver's, with the frame's
 * arrival (every 1-2 s) in place of the pulse's edge. `totalWh` is drawn minus injected, so a
 * producer's power goes negative.
 */
export class IndexPower {
  private seen: number | undefined;
  private edge: { wh: number; at: number } | undefined;
  private watts: number | undefined;

  update(totalWh: number, at: number): void {
    if (this.seen === undefined || totalWh < this.seen - 1e6) {
      // the first frame, or a meter replaced: a baseline only
      this.seen = totalWh;
      this.edge = undefined;
      this.watts = undefined;
      return;
    }
    if (totalWh !== this.seen) {
      if (this.edge && at > this.edge.at) {
        this.watts = ((totalWh - this.edge.wh) * MS_PER_HOUR) / (at - this.edge.at);
      }
      this.edge = { wh: totalWh, at };
      this.seen = totalWh;
    } else if (this.edge && this.watts !== undefined && at > this.edge.at) {
      const bound = MS_PER_HOUR / (at - this.edge.at);
      if (Math.abs(this.watts) > bound) this.watts = Math.sign(this.watts) * bound;
    }
  }

  /** W, once two moves of the index have been seen */
  get power(): number | undefined {
    return this.watts;
  }
}
