/**
 * Seeded randomness for the models. Values are a pure function of (seed, keys), not of a stream, so a
 * model gives the same value for the same instant whether it is sampled live every few seconds or
 * every minute for a backfill: runs are reproducible and the backfill matches the live data.
 */
export function hash(...keys: number[]): number {
  let h = 0x811c9dc5;
  for (const k of keys) {
    h ^= Math.floor(k) | 0;
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return (h >>> 0) / 4294967296;
}

/** A value in [lo, hi) for these keys. */
export function uniform(lo: number, hi: number, ...keys: number[]): number {
  return lo + (hi - lo) * hash(...keys);
}

/** Smooth noise in [-1, 1]: cosine interpolation between random values at integer points of x. */
export function smoothNoise(x: number, ...keys: number[]): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = hash(...keys, i) * 2 - 1;
  const b = hash(...keys, i + 1) * 2 - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a * (1 - w) + b * w;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * The machine's time zone offset at t, ms to add to UTC. Cached per hour: the models ask for it
 * millions of times during a backfill, and a Date per call was most of the cost.
 */
let offsetHour = Number.NaN;
let offsetMs = 0;
function localOffset(t: number): number {
  const h = Math.floor(t / HOUR);
  if (h !== offsetHour) {
    offsetHour = h;
    offsetMs = -new Date(h * HOUR).getTimezoneOffset() * MINUTE;
  }
  return offsetMs;
}

/** Local hours since midnight (0-24), with the time zone offset the machine has. */
export function hourOfDay(t: number): number {
  const local = t + localOffset(t);
  return (((local % DAY) + DAY) % DAY) / HOUR;
}

/** The local day number, for keys that change once a day. */
export function dayIndex(t: number): number {
  return Math.floor((t + localOffset(t)) / DAY);
}

/** 0 at the summer solstice-ish warm peak (late July), 1 in the depth of winter (late January). */
export function winterness(t: number): number {
  const dayOfYear = (t / DAY) % 365.25;
  return (1 + Math.cos(((dayOfYear - 15) / 365.25) * 2 * Math.PI)) / 2;
}

/** A bump of height 1 centred on `at` (hours), `width` hours wide at half height. */
export function bump(hour: number, at: number, width: number): number {
  const d = Math.min(Math.abs(hour - at), 24 - Math.abs(hour - at));
  return Math.exp(-((d / width) ** 2) * Math.LN2 * 4);
}
