import { describe, expect, it } from 'vitest';
import { slope } from './screen-heap.ts';

describe('slope (the heap trend of the shared-screen benchmark)', () => {
  it('is the least-squares slope, so one noisy sample does not make a trend', () => {
    expect(slope([0, 1, 2, 3], [10, 12, 14, 16])).toBeCloseTo(2);
    expect(slope([0, 1, 2, 3, 4], [5, 5, 9, 5, 5])).toBeCloseTo(0);
  });

  it('is 0 with fewer than two samples or no spread in time', () => {
    expect(slope([], [])).toBe(0);
    expect(slope([1], [4])).toBe(0);
    expect(slope([2, 2], [1, 3])).toBe(0);
  });
});
