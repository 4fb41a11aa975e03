import { describe, expect, it } from 'vitest';
import {
  comparisonWindows,
  parseDateKey,
  periodContaining,
  periodKey,
  periodSlots,
  sameLastYear,
  shiftPeriod,
} from './history-period.ts';

// Calendar periods are local: this file runs in a zone with daylight saving (its own forked worker).
process.env.TZ = 'Europe/Paris';

const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const HOUR = 3_600_000;

describe('calendar periods in local time', () => {
  it('a week runs Monday to Monday, a month from the 1st, a year from 1 January', () => {
    const thursday = local(2026, 3, 12, 15, 30);
    expect(periodContaining('day', thursday)).toEqual({
      range: 'day',
      start: local(2026, 3, 12),
      end: local(2026, 3, 13),
    });
    expect(periodContaining('week', thursday)).toEqual({
      range: 'week',
      start: local(2026, 3, 9),
      end: local(2026, 3, 16),
    });
    expect(periodContaining('month', thursday)).toEqual({
      range: 'month',
      start: local(2026, 3, 1),
      end: local(2026, 4, 1),
    });
    expect(periodContaining('year', thursday)).toEqual({
      range: 'year',
      start: local(2026, 1, 1),
      end: local(2027, 1, 1),
    });
    // a Sunday belongs to the week that began the Monday before
    expect(periodContaining('week', local(2026, 3, 15, 23)).start).toBe(local(2026, 3, 9));
  });

  it('moves by whole periods, across month ends and years', () => {
    const jan31 = periodContaining('day', local(2026, 1, 31));
    expect(shiftPeriod(jan31, 1).start).toBe(local(2026, 2, 1));
    const march = periodContaining('month', local(2026, 3, 31));
    expect(shiftPeriod(march, -1)).toEqual({
      range: 'month',
      start: local(2026, 2, 1),
      end: local(2026, 3, 1),
    });
    expect(shiftPeriod(periodContaining('year', local(2026, 6, 1)), -1).start).toBe(local(2025, 1, 1));
  });

  it('the same period last year: the same date, or the week 52 weeks before (a Monday again)', () => {
    expect(sameLastYear(periodContaining('month', local(2026, 3, 12)))?.start).toBe(local(2025, 3, 1));
    const week = sameLastYear(periodContaining('week', local(2026, 3, 12)));
    expect(week?.start).toBe(local(2025, 3, 10));
    expect(new Date(week?.start ?? 0).getDay()).toBe(1);
    expect(sameLastYear(periodContaining('year', local(2026, 3, 12)))).toBeNull();
  });

  it('slots: 23 hours on the spring-forward day, 7 days a week, the days of February, 12 months', () => {
    const spring = periodSlots(periodContaining('day', local(2026, 3, 29)));
    expect(spring).toHaveLength(23);
    expect(spring[3]).toBe((spring[2] ?? 0) + HOUR);
    expect(periodSlots(periodContaining('day', local(2026, 10, 25)))).toHaveLength(25);
    expect(periodSlots(periodContaining('week', local(2026, 3, 29)))).toHaveLength(7);
    expect(periodSlots(periodContaining('month', local(2026, 2, 10)))).toHaveLength(28);
    const months = periodSlots(periodContaining('year', local(2026, 2, 10)));
    expect(months).toHaveLength(12);
    expect(months[11]).toBe(local(2026, 12, 1));
  });

  it('links name a period by its first day, and refuse dates that do not exist', () => {
    expect(periodKey(periodContaining('week', local(2026, 3, 12)))).toBe('2026-03-09');
    expect(parseDateKey('2026-03-09')).toBe(local(2026, 3, 9));
    expect(parseDateKey('2026-02-30')).toBeUndefined();
    expect(parseDateKey('yesterday')).toBeUndefined();
    expect(parseDateKey(null)).toBeUndefined();
  });

  it('a period under way is compared with the others cut to the same point', () => {
    const now = local(2026, 3, 12, 15);
    const c = comparisonWindows(periodContaining('month', now), now);
    expect(c.partial).toBe(true);
    expect(c.shown).toEqual({ from: local(2026, 3, 1), to: now });
    // 11 days and 15 hours into March, and into February
    expect(c.previous.from).toBe(local(2026, 2, 1));
    expect(c.previous.to).toBe(local(2026, 2, 12, 15));
    expect(c.lastYear?.to).toBe(local(2025, 3, 12, 15));
    const past = comparisonWindows(periodContaining('month', local(2026, 1, 5)), now);
    expect(past.partial).toBe(false);
    expect(past.previous).toMatchObject({ from: local(2025, 12, 1), to: local(2026, 1, 1) });
  });
});
