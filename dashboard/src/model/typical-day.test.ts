import { describe, expect, it } from 'vitest';
import { compareWithTypicalDay, differenceFromTypical } from './typical-day.ts';

const HOUR = 3_600_000;
const now = new Date(2026, 10, 29, 10, 30).getTime(); // a Sunday, 10:30 local
const midnight = new Date(2026, 10, 29).getTime();

function hourly(from: number, hours: number, whPerHour: number): [number[], number[]] {
  const t: number[] = [];
  const v: number[] = [];
  for (let h = 0; h < hours; h++) {
    t.push(from + h * HOUR);
    v.push(whPerHour);
  }
  return [t, v];
}

describe('compareWithTypicalDay', () => {
  it('sums today from local midnight', () => {
    const [t, v] = hourly(midnight, 11, 1000);
    expect(compareWithTypicalDay(t, v, now).todayWh).toBe(11_000);
  });

  it('compares with the same weekday of past weeks up to the same time of day', () => {
    const [t0, v0] = hourly(midnight, 11, 1000);
    const week1 = new Date(2026, 10, 22).getTime();
    const week2 = new Date(2026, 10, 15).getTime();
    const [t1, v1] = hourly(week1, 24, 500);
    const [t2, v2] = hourly(week2, 24, 1500);
    const r = compareWithTypicalDay([...t2, ...t1, ...t0], [...v2, ...v1, ...v0], now);
    // the hours that have ended by 10:30, 00..09, of each past Sunday: 10 buckets
    expect(r.typicalWh).toBe((10 * 500 + 10 * 1500) / 2);
    expect(r.weeks).toBe(2);
    // today so far counts its hour under way; the comparison stops where the typical day does
    expect(r.todayWh).toBe(11_000);
    expect(r.comparedWh).toBe(10_000);
  });

  it('compares only hours that have ended: a day as usual reads as usual, even before its hour under way is published', () => {
    // the neighbourhood's figures come an hour at a time: at 10:30 today has 00..09
    const [t0, v0] = hourly(midnight, 10, 1000);
    const [t1, v1] = hourly(new Date(2026, 10, 22).getTime(), 24, 1000);
    const r = compareWithTypicalDay([...t1, ...t0], [...v1, ...v0], now);
    expect(r.comparedWh).toBe(10_000);
    expect(r.typicalWh).toBe(10_000);
    expect(differenceFromTypical(r.comparedWh, r.typicalWh ?? 0).direction).toBe('same');
  });

  it('just after midnight, before any hour has ended, has nothing to compare (not "100 % less")', () => {
    const [t1, v1] = hourly(new Date(2026, 10, 22).getTime(), 24, 1000);
    const r = compareWithTypicalDay(t1, v1, midnight + 20 * 60_000);
    expect(r.todayWh).toBe(0);
    expect(r.typicalWh).toBeNull();
    expect(r.early).toBe(true);
  });

  it('leaves out weeks without data instead of counting them as zero', () => {
    const saturday = new Date(2026, 10, 28).getTime();
    const [t, v] = hourly(saturday, 24, 800);
    const r = compareWithTypicalDay(t, v, now);
    expect(r.typicalWh).toBeNull();
    expect(r.weeks).toBe(0);
  });
});

describe('differenceFromTypical', () => {
  it('says more or less by how much, as a positive share of the typical day', () => {
    expect(differenceFromTypical(12.7, 10)).toEqual({ direction: 'more', share: expect.closeTo(0.27, 5) });
    expect(differenceFromTypical(8, 10)).toEqual({ direction: 'less', share: expect.closeTo(0.2, 5) });
  });
  it('calls a difference under 3 % the same, within the noise of a day of readings', () => {
    expect(differenceFromTypical(10.2, 10)).toEqual({ direction: 'same', share: expect.closeTo(0.02, 5) });
  });
});
