import { describe, expect, it } from 'vitest';
import { compareFigures } from './change.ts';

describe('compareFigures', () => {
  it('more, less, about the same, or nothing to compare with', () => {
    expect(compareFigures(112, 100)).toEqual({ kind: 'more', ratio: expect.closeTo(0.12, 9) });
    expect(compareFigures(75, 100)).toEqual({ kind: 'less', ratio: 0.25 });
    expect(compareFigures(101, 100)).toEqual({ kind: 'same' });
    expect(compareFigures(10, 0)).toBeNull();
    expect(compareFigures(10, null)).toBeNull();
    expect(compareFigures(null, 100)).toBeNull();
  });
});
