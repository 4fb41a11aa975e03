import { describe, expect, it } from 'vitest';
import { formatEnergy } from './format-energy.ts';

describe('formatEnergy', () => {
  it('shows small amounts in Wh', () => {
    expect(formatEnergy(640, 'en')).toBe('640\u00a0Wh');
  });
  it('speaks kWh like a bill, from one kWh to ten MWh', () => {
    expect(formatEnergy(12_345, 'en')).toBe('12.3\u00a0kWh');
    expect(formatEnergy(4_210_000, 'fr')).toBe('4\u202f210\u00a0kWh');
  });
  it('uses MWh for neighbourhood-sized years', () => {
    expect(formatEnergy(12_500_000, 'en')).toBe('12.5\u00a0MWh');
  });
});
