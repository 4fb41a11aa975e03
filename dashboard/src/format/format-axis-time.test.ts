import { describe, expect, it } from 'vitest';
import { axisTimeFormatter } from './format-axis-time.ts';

const DAY = 86_400_000;
const ts = new Date(2026, 10, 29, 18, 5).getTime();

describe('axisTimeFormatter', () => {
  it('labels hours for a day', () => {
    expect(axisTimeFormatter(DAY, 'fr')(ts)).toBe('18:05');
  });
  it('labels days for a month', () => {
    expect(axisTimeFormatter(30 * DAY, 'fr')(ts)).toBe('29 nov.');
  });
  it('labels months for a year with the whole year, which cannot be read as a day of the month', () => {
    expect(axisTimeFormatter(365 * DAY, 'en')(ts)).toBe('Nov 2026');
    // "févr. 26" reads as 26 February
    expect(axisTimeFormatter(365 * DAY, 'fr')(new Date(2026, 1, 1).getTime())).toBe('févr. 2026');
  });
});
