import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n/localize.ts';
import { formatClockOffset } from './format-clock-offset.ts';

afterEach(() => setLocale('en'));

describe('formatClockOffset', () => {
  it('says a clock within two seconds of the hub is in step', () => {
    expect(formatClockOffset(1500, 'en')).toBe('in step');
    expect(formatClockOffset(-1999, 'en')).toBe('in step');
  });

  it('says how far ahead or behind, in the largest unit that fits', () => {
    expect(formatClockOffset(3 * 60_000 + 10_000, 'en')).toBe('3 min ahead');
    expect(formatClockOffset(-2 * 3_600_000, 'en')).toBe('2 hr behind');
    expect(formatClockOffset(-400 * 86_400_000, 'en')).toBe('400 days behind');
  });

  it('speaks French', () => {
    setLocale('fr');
    expect(formatClockOffset(0, 'fr')).toBe("à l'heure");
    expect(formatClockOffset(-2 * 3_600_000, 'fr')).toBe('en retard de 2\u202fh');
  });

  it('has nothing to say about a node that sent no time', () => {
    expect(formatClockOffset(null, 'en')).toBeNull();
  });
});
