/** Rounds to `digits` decimals: readings carry the precision their sensor has, not float noise. */
export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
