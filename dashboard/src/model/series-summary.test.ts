import { describe, expect, it } from 'vitest';
import { summarizeSeries } from './series-summary.ts';

describe('summarizeSeries', () => {
  it('gives range, extremes, mean and latest value', () => {
    expect(summarizeSeries([10, 20, 30], [4, 8, 6])).toEqual({
      count: 3,
      from: 10,
      to: 30,
      min: 4,
      max: 8,
      mean: 6,
      last: 6,
    });
  });
  it('skips gaps (NaN) and returns null for no data', () => {
    expect(summarizeSeries([1, 2], [Number.NaN, 5])?.mean).toBe(5);
    expect(summarizeSeries([], [])).toBeNull();
  });
});
