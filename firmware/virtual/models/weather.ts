import { DAY, HOUR, hourOfDay, smoothNoise, winterness } from './random.ts';

/**
 * Outdoor weather of a temperate European town (Lyon-like): a seasonal mean, a daily swing coldest
 * near dawn and warmest mid-afternoon, and weather systems drifting over a few days. One weather for
 * the whole neighbourhood (seeded by the neighbourhood, not by the house).
 */
export interface Outdoor {
  celsius: number;
  humidity: number;
  hPa: number;
}

export function outdoorAt(t: number, seed = 7): Outdoor {
  const w = winterness(t);
  const mean = 21 - 17 * w; // ~4 °C in January, ~21 °C in July
  const swing = 4 + 3 * (1 - w);
  const h = hourOfDay(t);
  const daily = -Math.cos(((h - 4.5) / 24) * 2 * Math.PI) * swing;
  const system = smoothNoise(t / (3 * DAY), seed, 1) * 4;
  const celsius = mean + daily + system + smoothNoise(t / HOUR, seed, 2) * 0.4;
  // air holding the same water is relatively drier when warmer: RH falls as the day warms
  const humidity = clampRange(
    78 - daily * 4 - system * 2 + w * 8 + smoothNoise(t / (6 * HOUR), seed, 3) * 6,
    20,
    100,
  );
  const hPa = 1013 + smoothNoise(t / (2 * DAY), seed, 4) * 12;
  return { celsius, humidity, hPa };
}

export function clampRange(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
