import { describe, expect, it } from 'vitest';
import { pickLocale } from './pick-locale.ts';

describe('pickLocale', () => {
  it('takes the first supported language of the browser, regional variants included', () => {
    expect(pickLocale(['de-DE', 'fr-BE', 'en'])).toBe('fr');
  });
  it('falls back to English', () => {
    expect(pickLocale(['nl', 'de'])).toBe('en');
  });
  it('prefers a saved explicit choice over the browser', () => {
    expect(pickLocale(['fr-FR'], 'en')).toBe('en');
  });
  it('ignores a saved value that is not a language we have', () => {
    expect(pickLocale(['fr-FR'], 'xx')).toBe('fr');
  });
});
