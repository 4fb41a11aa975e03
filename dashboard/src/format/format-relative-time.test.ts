import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from './format-relative-time.ts';

const now = Date.UTC(2026, 10, 29, 12);

describe('formatRelativeTime', () => {
  it('says "now" for the last few seconds', () => {
    expect(formatRelativeTime(now - 2000, now, 'en')).toBe('now');
  });
  it('uses the largest unit that fits', () => {
    expect(formatRelativeTime(now - 3 * 60_000, now, 'en')).toBe('3 minutes ago');
    expect(formatRelativeTime(now - 5 * 3_600_000, now, 'fr')).toBe('il y a 5 heures');
    expect(formatRelativeTime(now - 86_400_000, now, 'en')).toBe('yesterday');
  });
});
