import { bump, DAY, dayIndex, HOUR, hash, hourOfDay, MINUTE, smoothNoise, uniform } from './random.ts';
import { outdoorAt } from './weather.ts';

export interface HouseholdProfile {
  seed: number;
  occupants: number;
  heatPump: boolean;
  electricCar: boolean;
}

/**
 * A household's electrical load in W as a pure function of time, built from its parts: always-on
 * base load, a fridge compressor cycling, morning and evening routines, cooking peaks at lunch and
 * dinner, a kettle now and then, evening lighting, and optionally a heat pump following the
 * outdoor temperature and an electric car charging some evenings. Each day is a little different
 * (seeded per day), so the "typical day" is a typical and not an identical day.
 */
export class HouseholdLoad {
  private readonly base: number;
  private readonly fridgePeriod: number;
  private readonly fridgePhase: number;
  private readonly dinnerAt: number;
  private readonly size: number;

  constructor(private readonly p: HouseholdProfile) {
    this.base = uniform(60, 180, p.seed, 1);
    this.fridgePeriod = uniform(40, 70, p.seed, 2) * MINUTE;
    this.fridgePhase = uniform(0, 1, p.seed, 3) * this.fridgePeriod;
    this.dinnerAt = uniform(18.5, 20.3, p.seed, 4);
    this.size = 0.6 + 0.25 * Math.max(1, p.occupants);
  }

  /** Instantaneous power, W. */
  powerAt(t: number): number {
    const p = this.p;
    const h = hourOfDay(t);
    const day = dayIndex(t);
    const weekend = (day + 4) % 7 >= 5; // 1970-01-01 was a Thursday
    const dayMood = 0.8 + 0.4 * hash(p.seed, day, 10);
    const minute = Math.floor(t / MINUTE);

    let w = this.base * (1 + 0.05 * smoothNoise(t / (10 * MINUTE), p.seed, 11));
    // fridge: compressor ~35 % of the time, ~100 W
    if ((t + this.fridgePhase) % this.fridgePeriod < this.fridgePeriod * 0.35) w += 95;
    // morning routine (later at the weekend) and evening lighting, screens
    w += 350 * this.size * bump(h, weekend ? 9 : 7.2, 1.5) * dayMood;
    w += 300 * this.size * (bump(h, 21, 3.5) + 0.3 * bump(h, 18, 2)) * dayMood;
    // cooking: lunch on some days, dinner on most
    if (hash(p.seed, day, 12) < (weekend ? 0.8 : 0.35)) w += 1800 * bump(h, 12.6, 0.6) * this.size;
    if (hash(p.seed, day, 13) < 0.9) w += 2200 * bump(h, this.dinnerAt + hash(p.seed, day, 14) - 0.5, 0.7);
    // a kettle or a hair dryer: 2 kW for a minute or three, a few times a day while people are up
    if (h > 6.5 && h < 23 && hash(p.seed, minute, 15) < 0.006 * this.size) w += 2000;
    if (hash(p.seed, Math.floor(t / (3 * MINUTE)), 16) < 0.004 * this.size && h > 6.5 && h < 23) w += 2000;
    // washing machine some days: heating phase then drum
    if (hash(p.seed, day, 17) < 0.3) {
      const start = 9 + 10 * hash(p.seed, day, 18);
      if (h > start && h < start + 0.3) w += 2000;
      else if (h > start && h < start + 1.5) w += 250;
    }
    if (p.heatPump) w += this.heatPump(t);
    if (p.electricCar) w += this.carCharging(h, day);
    return Math.max(20, w);
  }

  /** Mean power over [from, to), W: what a meter integrates between two readings. */
  meanPower(from: number, to: number, stepMs = 15_000): number {
    const steps = Math.max(1, Math.round((to - from) / stepMs));
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += this.powerAt(from + ((i + 0.5) * (to - from)) / steps);
    return sum / steps;
  }

  /** An air-to-water heat pump: ~100 W of electricity per kelvin below 16 °C, cycling when mild. */
  private heatPump(t: number): number {
    const out = outdoorAt(t).celsius;
    const demand = Math.max(0, 16 - out) * 110;
    if (demand === 0) return 0;
    const cycle = (t / (20 * MINUTE)) % 1;
    return cycle < Math.min(1, demand / 1200) ? Math.max(demand, 600) : 15;
  }

  /** 7.4 kW home charger from arrival for as long as the day's trips need, on about half the days. */
  private carCharging(h: number, day: number): number {
    if (hash(this.p.seed, day, 20) > 0.5) return 0;
    const start = 18 + 2 * hash(this.p.seed, day, 21);
    const hours = 1 + 2.5 * hash(this.p.seed, day, 22);
    const since = h >= start ? h - start : h + 24 - start;
    return since < hours ? 7400 : 0;
  }
}

/** Energy over [from, to) in Wh. */
export function energyWh(load: HouseholdLoad, from: number, to: number): number {
  return (load.meanPower(from, to) * (to - from)) / HOUR;
}

export { DAY };
