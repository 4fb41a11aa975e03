import { describe, expect, it } from 'vitest';
import { downsample } from './downsample.ts';

const cols = { t: [0, 1, 2, 3, 4, 5], value: [1, 3, 5, 7, 9, 11] };

describe('downsample', () => {
  it('leaves a short series untouched', () => {
    expect(downsample(cols, 10, 'mean')).toBe(cols);
  });
  it('averages gauges', () => {
    expect(downsample(cols, 3, 'mean')).toEqual({ t: [0, 2, 4], value: [2, 6, 10] });
  });
  it('sums counters so the total is kept', () => {
    const out = downsample(cols, 2, 'sum');
    expect(out.value.reduce((a, b) => a + b)).toBe(36);
    expect(out.t).toEqual([0, 3]);
  });
});
