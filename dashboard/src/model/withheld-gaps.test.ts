import { describe, expect, it } from 'vitest';
import { gapReasons, withGaps } from './withheld-gaps.ts';

describe('withheld stretches drawn as breaks', () => {
  it('puts a null at the start of each gap, in time order, never a zero', () => {
    const r = withGaps(
      [0, 60, 240],
      [5, 6, 7],
      [
        { from: 120, to: 240, reason: 'too_few' },
        { from: 300, to: 360, reason: 'dominated' },
      ],
    );
    expect(r).toEqual({ t: [0, 60, 120, 240, 300], value: [5, 6, null, 7, null] });
    expect(
      gapReasons([
        { from: 1, to: 2, reason: 'too_few' },
        { from: 3, to: 4, reason: 'too_few' },
        { from: 5, to: 6, reason: 'partial' },
      ]),
    ).toEqual(['too_few', 'partial']);
  });

  it('leaves points alone without gaps', () => {
    expect(withGaps([1], [2], undefined)).toEqual({ t: [1], value: [2] });
  });
});
