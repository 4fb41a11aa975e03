import { describe, expect, it } from 'vitest';
import { periodContaining } from '../model/history-period.ts';
import { formatPeriod } from './format-period.ts';

const ts = new Date(2026, 2, 12, 15).getTime();

describe('formatPeriod', () => {
  it('writes each period whole, in English and French', () => {
    expect(formatPeriod(periodContaining('day', ts), 'en-GB')).toBe('Thursday, 12 March 2026');
    expect(formatPeriod(periodContaining('day', ts), 'fr')).toBe('jeudi 12 mars 2026');
    expect(formatPeriod(periodContaining('week', ts), 'en-GB')).toBe('9\u2009–\u200915 March 2026');
    expect(formatPeriod(periodContaining('week', ts), 'fr')).toBe('9–15 mars 2026');
    expect(formatPeriod(periodContaining('month', ts), 'fr')).toBe('mars 2026');
    expect(formatPeriod(periodContaining('year', ts), 'en')).toBe('2026');
  });

  it('a week across two months names both', () => {
    const week = periodContaining('week', new Date(2026, 2, 31).getTime());
    expect(formatPeriod(week, 'fr')).toBe('30 mars\u2009–\u20095 avril 2026');
  });
});
