import { describe, expect, it } from 'vitest';
import { formatMoney } from './format-money.ts';

describe('formatMoney', () => {
  it('formats in the currency and language of the page', () => {
    expect(formatMoney(8.77, 'EUR', 'fr')).toBe('8,77\u00a0€');
    expect(formatMoney(8.77, 'EUR', 'en')).toBe('€8.77');
  });
  it('falls back to number and code when the configured currency is not a valid code', () => {
    expect(formatMoney(8.77, 'euros', 'en')).toBe('8.77\u00a0euros');
  });
});
