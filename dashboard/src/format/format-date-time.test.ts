import { describe, expect, it } from 'vitest';
import { formatHourSlot, formatTime, formatWeekday } from './format-date-time.ts';

describe('date and time formats', () => {
  it('writes the time of day as the locale does', () => {
    const ts = new Date(2026, 10, 29, 18, 5).getTime();
    expect(formatTime(ts, 'fr')).toBe('18:05');
    expect(formatTime(ts, 'en')).toMatch(/^6:05\sPM$/);
    expect(formatTime(new Date(2026, 10, 29, 0, 55).getTime(), 'fr')).toBe('00:55');
  });
  it('names the weekday in the language of the page', () => {
    const sunday = new Date(2026, 10, 29, 12).getTime();
    expect(formatWeekday(sunday, 'fr')).toBe('dimanche');
    expect(formatWeekday(sunday, 'en')).toBe('Sunday');
  });
  it('writes an hour slot as a range', () => {
    expect(formatHourSlot(18, 'fr')).toMatch(/^18:00\s?–\s?19:00$/);
    expect(formatHourSlot(0, 'fr')).toMatch(/^00:00\s?–\s?01:00$/);
  });
});
