import { describe, expect, it } from 'vitest';
import { chooseStep } from './history-range.ts';

const DAY = 86_400_000;

describe('chooseStep keeps at most two points per pixel', () => {
  it('uses minutes for a day on a wide chart', () => {
    expect(chooseStep(DAY, 800)).toBe('minute');
  });
  it('falls back to hours for a day on a narrow chart', () => {
    expect(chooseStep(DAY, 400)).toBe('hour');
  });
  it('uses hours for a month and days for a year', () => {
    expect(chooseStep(30 * DAY, 400)).toBe('hour');
    expect(chooseStep(365 * DAY, 1200)).toBe('day');
  });
});
