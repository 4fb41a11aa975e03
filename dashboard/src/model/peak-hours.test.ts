import { describe, expect, it } from 'vitest';
import { peakHours } from './peak-hours.ts';

describe('peakHours', () => {
  it('picks the local hours of highest mean power and gives them in the order of the day', () => {
    const day = new Date(2026, 10, 28).getTime();
    const t: number[] = [];
    const w: number[] = [];
    for (let h = 0; h < 24; h++) {
      t.push(day + h * 3_600_000);
      w.push(h === 19 ? 9000 : h === 18 ? 8000 : h === 7 ? 6000 : 1000);
    }
    expect(peakHours(t, w)).toEqual([7, 18, 19]);
  });
  it('returns nothing without data', () => {
    expect(peakHours([], [])).toEqual([]);
  });
});
