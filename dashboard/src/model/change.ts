/** How a figure compares with another, in words residents read: "12 % more", "about the same". */
export type Change = { kind: 'more' | 'less'; ratio: number } | { kind: 'same' };

/**
 * Within ±2 % reads as "about the same"; nothing to compare with (zero or missing) gives null, and
 * so does nothing to compare (`now` null: no hour of the period counted yet, not "100 % less").
 */
export function compareFigures(now: number | null, then: number | null | undefined): Change | null {
  if (now === null || then === null || then === undefined || !(then > 0) || !Number.isFinite(now))
    return null;
  const ratio = now / then - 1;
  if (Math.abs(ratio) < 0.02) return { kind: 'same' };
  return { kind: ratio > 0 ? 'more' : 'less', ratio: Math.abs(ratio) };
}
