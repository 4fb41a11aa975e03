/**
 * Collects the raw values an analog pin reports between two reads (Firmata reports every sampling
 * interval, ~19 ms), so a driver can average them or measure their spread.
 */
export class AnalogWindow {
  private sum = 0;
  private sumSq = 0;
  private count = 0;

  add(raw: number): void {
    this.sum += raw;
    this.sumSq += raw * raw;
    this.count += 1;
  }

  /** mean and standard deviation of the window, then starts a new one; undefined when empty */
  take(): { mean: number; std: number; count: number } | undefined {
    if (this.count === 0) return undefined;
    const mean = this.sum / this.count;
    const variance = Math.max(0, this.sumSq / this.count - mean * mean);
    const out = { mean, std: Math.sqrt(variance), count: this.count };
    this.sum = 0;
    this.sumSq = 0;
    this.count = 0;
    return out;
  }
}

/** ATmega328P ADC: 10 bits against AVcc (5 V on an Uno or Nano). */
export const ADC_MAX = 1023;
export const ADC_VREF = 5;

export type AnalogStats = NonNullable<ReturnType<AnalogWindow['take']>>;
