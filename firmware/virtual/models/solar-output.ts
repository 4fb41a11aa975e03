import { dayIndex, hash, hourOfDay, MINUTE, smoothNoise, winterness } from './random.ts';

/**
 * The output of a roof's solar installation in W, a pure function of time like a household's load:
 * a day from sunrise to sunset (about 8 h in winter, 16 h in summer, centred on 13:00 local), a
 * lower sun in winter, days from overcast to clear (seeded per day) and clouds passing.
 */
export class SolarOutput {
  constructor(private readonly o: { seed: number; peakW: number }) {}

  /** Instantaneous output, W. */
  powerAt(t: number): number {
    const w = winterness(t);
    const halfDay = (16 - 8 * w) / 2;
    const x = (hourOfDay(t) - 13) / halfDay;
    if (Math.abs(x) >= 1) return 0;
    const sun = Math.cos((x * Math.PI) / 2) ** 1.5 * (1 - 0.55 * w);
    const sky = 0.35 + 0.65 * hash(this.o.seed, dayIndex(t), 60);
    const clouds = 1 - 0.3 * Math.max(0, smoothNoise(t / (20 * MINUTE), this.o.seed, 61));
    return this.o.peakW * 0.85 * sun * sky * clouds;
  }

  /** Mean output over [from, to), W. */
  meanPower(from: number, to: number, stepMs = 15_000): number {
    const steps = Math.max(1, Math.round((to - from) / stepMs));
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += this.powerAt(from + ((i + 0.5) * (to - from)) / steps);
    return sum / steps;
  }
}
