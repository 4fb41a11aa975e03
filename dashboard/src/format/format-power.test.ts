import { describe, expect, it } from 'vitest';
import { formatPower } from './format-power.ts';

describe('formatPower', () => {
  it('keeps watts below a kilowatt', () => {
    expect(formatPower(850.4, 'en')).toBe('850\u00a0W');
  });
  it('keeps a decimal for the small budgets of nodes and hub', () => {
    expect(formatPower(0.45, 'fr')).toBe('0,5\u00a0W');
    expect(formatPower(3.5, 'en')).toBe('3.5\u00a0W');
  });
  it('switches to kW with one decimal', () => {
    expect(formatPower(12_430, 'en')).toBe('12.4\u00a0kW');
    expect(formatPower(12_430, 'fr')).toBe('12,4\u00a0kW');
  });
  it('drops decimals past 100 kW and uses MW past a megawatt', () => {
    expect(formatPower(123_456, 'en')).toBe('123\u00a0kW');
    expect(formatPower(1_250_000, 'en')).toBe('1.25\u00a0MW');
  });
  it('keeps the sign of exported power', () => {
    expect(formatPower(-1500, 'en')).toBe('-1.5\u00a0kW');
  });
});
