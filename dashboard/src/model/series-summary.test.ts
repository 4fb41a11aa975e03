import { describe, expect, it } from 'vitest';
import { cadenceOf, summarizeSeries } from './series-summary.ts';

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
      cadence: null,
    });
  });
  it('skips gaps (NaN) and returns null for no data', () => {
    expect(summarizeSeries([1, 2], [Number.NaN, 5])?.mean).toBe(5);
    expect(summarizeSeries([], [])).toBeNull();
  });
});

describe('cadenceOf', () => {
  const at = (stepMs: number, n: number) =>
    Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * stepMs);
  it('names the regular step of a series: a minute, an hour, a day, a month', () => {
    expect(cadenceOf(at(60_000, 1440))).toBe('minute');
    expect(cadenceOf(at(3_600_000, 24))).toBe('hour');
    expect(cadenceOf(at(86_400_000, 30))).toBe('day');
    expect(cadenceOf(at(30.4 * 86_400_000, 12))).toBe('month');
  });
  it('reads through a gap and a daylight-saving day, and gives up on irregular readings', () => {
    const withGap = [...at(60_000, 10), ...at(60_000, 10).map((t) => t + 3_600_000)];
    expect(cadenceOf(withGap)).toBe('minute');
    expect(cadenceOf([0, 86_400_000, 2 * 86_400_000 + 3_600_000, 3 * 86_400_000 + 3_600_000])).toBe('day');
    expect(cadenceOf([0, 7_000, 19_000, 31_000])).toBeNull();
    expect(cadenceOf([5])).toBeNull();
  });
});
