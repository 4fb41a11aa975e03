import { describe, expect, it } from 'vitest';
import { formatMass } from './format-mass.ts';

describe('formatMass', () => {
  it('grams, kilograms, tonnes, with a no-break space', () => {
    expect(formatMass(182, 'en')).toBe('182\u00a0g');
    expect(formatMass(3140, 'fr')).toBe('3,1\u00a0kg');
    expect(formatMass(1_250_000, 'en')).toBe('1.3\u00a0t');
  });
});
