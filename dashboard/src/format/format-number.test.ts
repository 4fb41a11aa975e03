import { describe, expect, it } from 'vitest';
import { formatNumber, withUnit } from './format-number.ts';

describe('formatNumber', () => {
  it('groups and separates decimals as the locale does', () => {
    expect(formatNumber(1234.5, 'en', 1)).toBe('1,234.5');
    expect(formatNumber(1234.5, 'fr', 1)).toBe('1\u202f234,5');
  });
  it('rounds to the requested decimals', () => {
    expect(formatNumber(2.46, 'en', 1)).toBe('2.5');
    expect(formatNumber(2.46, 'en')).toBe('2');
  });
});

describe('withUnit', () => {
  it('joins number and unit with a no-break space so the unit never wraps alone', () => {
    expect(withUnit('12', 'ppm')).toBe('12\u00a0ppm');
  });
  it('omits the dimensionless unit', () => {
    expect(withUnit('0.9', '1')).toBe('0.9');
  });
});
