import { afterEach, describe, expect, it } from 'vitest';
import { msg, plural, quantityName, setLocale } from './localize.ts';

afterEach(() => setLocale('en'));

describe('localize', () => {
  it('switches every message with the language', () => {
    setLocale('fr');
    expect(msg('nav.history')).toBe('Historique');
    setLocale('en');
    expect(msg('nav.history')).toBe('History');
  });
  it('chooses the plural form by the rules of the language (French: 0 and 1 are singular)', () => {
    setLocale('fr');
    expect(plural('now.households', 0)).toBe('0 foyer');
    expect(plural('now.households', 1200)).toBe('1\u202f200 foyers');
    setLocale('en');
    expect(plural('now.households', 0)).toBe('0 households');
    expect(plural('now.households', 1)).toBe('1 household');
  });
  it("names quantities, and falls back to the quantity's id for one the catalogue lacks", () => {
    setLocale('fr');
    expect(quantityName('current')).toBe('Courant');
    expect(quantityName('radon')).toBe('radon');
  });
});
