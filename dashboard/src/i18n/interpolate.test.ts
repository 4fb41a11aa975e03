import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.ts';

describe('interpolate', () => {
  it('fills named placeholders', () => {
    expect(interpolate('{n} households in {place}', { n: 3, place: 'Rue Haute' })).toBe(
      '3 households in Rue Haute',
    );
  });
  it('leaves an unknown placeholder visible so a missing value is noticed', () => {
    expect(interpolate('Hello {who}', {})).toBe('Hello {who}');
  });
});
