import { bump, dayIndex, HOUR, hash, hourOfDay, MINUTE, smoothNoise } from './random.ts';
import { clampRange, outdoorAt } from './weather.ts';

export interface PlaceProfile {
  seed: number;
  /** people at the busiest hour */
  occupants: number;
  /** when the place is busy: a community hall in the evening, a library by day */
  busyAt: number;
}

const OUTDOOR_CO2 = 420;
/** ppm added per person at steady state in a ~150 m³ room with modest ventilation (~1.5 air changes/h) */
const PPM_PER_PERSON = 90;
/** time constant of the room's air exchange */
const TAU = 40 * MINUTE;

/**
 * The air inside a shared place: heating keeps it near 20 °C during opening hours with some pull from
 * outside; people add CO2 and moisture. CO2 follows occupancy through a first-order lag (the room
 * fills and airs out over tens of minutes), computed by stepping back over the last few hours so it
 * stays a pure function of time.
 */
export class IndoorAir {
  constructor(private readonly p: PlaceProfile) {}

  occupancy(t: number): number {
    const h = hourOfDay(t);
    const day = dayIndex(t);
    const open = h > 8 && h < 22.5;
    if (!open) return 0;
    const busy = bump(h, this.p.busyAt, 3) * (0.6 + 0.6 * hash(this.p.seed, day, 30));
    const jitter = 0.15 * (1 + smoothNoise(t / (20 * MINUTE), this.p.seed, 31));
    return Math.round(this.p.occupants * Math.min(1, busy + jitter));
  }

  co2At(t: number): number {
    let c = OUTDOOR_CO2 + PPM_PER_PERSON * this.occupancy(t - 4 * HOUR);
    const step = 5 * MINUTE;
    for (let s = t - 4 * HOUR + step; s <= t; s += step) {
      const target = OUTDOOR_CO2 + PPM_PER_PERSON * this.occupancy(s);
      c += (target - c) * (1 - Math.exp(-step / TAU));
    }
    return Math.round(c + smoothNoise(t / MINUTE, this.p.seed, 32) * 8);
  }

  celsiusAt(t: number): number {
    const h = hourOfDay(t);
    const heated = h > 7 && h < 22 ? 20.5 : 17;
    const out = outdoorAt(t).celsius;
    const people = this.occupancy(t) * 0.05;
    return heated + (out - heated) * 0.08 + people + smoothNoise(t / HOUR, this.p.seed, 33) * 0.3;
  }

  humidityAt(t: number): number {
    const out = outdoorAt(t);
    const people = this.occupancy(t) * 0.4;
    return clampRange(
      35 + (out.humidity - 60) * 0.25 + people + smoothNoise(t / HOUR, this.p.seed, 34) * 2,
      20,
      80,
    );
  }
}

/**
 * Fine particles outdoors: a background, road traffic at rush hours, and wood stoves on winter
 * evenings; PM10 is PM2.5 plus coarse dust. µg/m³.
 */
export function particulatesAt(t: number, seed = 7): { pm25: number; pm10: number } {
  const h = hourOfDay(t);
  const out = outdoorAt(t, seed);
  const background = 7 + 5 * (1 + smoothNoise(t / (24 * HOUR), seed, 40));
  const traffic = 6 * (bump(h, 8, 1.5) + bump(h, 18, 2));
  const stoves = Math.max(0, 12 - out.celsius) * 1.2 * bump(h, 20.5, 3);
  const pm25 = Math.max(1, background + traffic + stoves + smoothNoise(t / (10 * MINUTE), seed, 41) * 2);
  const pm10 = pm25 * 1.4 + 4 + (3 * traffic) / 6;
  return { pm25, pm10 };
}
