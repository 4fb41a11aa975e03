import { describe, expect, it } from 'vitest';
import { energyBars } from './energy-bars.ts';
import { periodContaining } from './history-period.ts';

const day = (d: number, h = 0) => new Date(2026, 2, d, h).getTime();

describe('energyBars', () => {
  it('one bar a day of the week, in kWh with its cost; no bar where there is no data; today under way', () => {
    const week = periodContaining('week', day(12));
    const bars = energyBars(
      week,
      { t: [day(9), day(11)], wh: [12_500, 800], cost: [3.1, 0.25] },
      'EUR',
      'en',
      day(11, 15),
    );
    expect(bars).toHaveLength(7);
    expect(bars[0]).toEqual({
      label: 'Mon\n9',
      title: 'Monday, March 9',
      value: 12.5,
      note: '≈ €3.10',
      partial: false,
    });
    expect(bars[1]).toEqual({ label: 'Tue\n10', title: 'Tuesday, March 10', value: null, partial: false });
    expect(bars[2]).toMatchObject({ value: 0.8, note: '≈ €0.25', partial: true });
    expect(bars[6]?.partial).toBe(false);
  });

  it('a year: twelve months, labelled by month alone', () => {
    const bars = energyBars(
      periodContaining('year', day(12)),
      { t: [], wh: [], cost: [] },
      'EUR',
      'fr',
      day(12),
    );
    expect(bars.map((b) => b.label).slice(0, 2)).toEqual(['janv.', 'févr.']);
    expect(bars.every((b) => b.value === null)).toBe(true);
  });
});
