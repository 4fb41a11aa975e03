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
    // hours 00..10 of each past Sunday: 11 buckets
    expect(r.typicalWh).toBe((11 * 500 + 11 * 1500) / 2);
    expect(r.weeks).toBe(2);
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
