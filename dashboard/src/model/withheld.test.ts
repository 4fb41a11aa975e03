import { describe, expect, it } from 'vitest';
import { isWithheld } from './withheld.ts';

const points = (n: number) => ({ t: Array(n).fill(0), value: Array(n).fill(0), min: [], max: [] });

describe('isWithheld', () => {
  it('is true when the hub withheld every bucket', () => {
    expect(isWithheld({ withheld: 'fewer than 3 households contribute', points: points(0) })).toBe(true);
  });
  it('is false when only some buckets are left out: the rest is shown', () => {
    expect(
      isWithheld({ withheld: '1 period(s) with fewer than 3 households are left out', points: points(1440) }),
    ).toBe(false);
    expect(isWithheld({ points: points(3) })).toBe(false);
  });
});
