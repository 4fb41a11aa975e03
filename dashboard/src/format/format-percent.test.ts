import { describe, expect, it } from 'vitest';
import { formatChange, formatPercent } from './format-percent.ts';

describe('formatPercent', () => {
  it('keeps one decimal for small shares', () => {
    expect(formatPercent(0.034, 'en')).toBe('3.4%');
    expect(formatPercent(0.034, 'fr')).toBe('3,4\u00a0%');
  });
  it('rounds larger shares to whole percents', () => {
    expect(formatPercent(0.456, 'en')).toBe('46%');
  });
});

describe('formatChange', () => {
  it('signs a change against the typical day', () => {
    expect(formatChange(0.12, 'en')).toBe('+12%');
    expect(formatChange(-0.05, 'en')).toBe('-5%');
  });
});
