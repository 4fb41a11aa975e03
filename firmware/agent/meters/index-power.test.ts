import { describe, expect, it } from 'vitest';
import { IndexPower } from './index-power.ts';

describe('active power from the index', () => {
  it('needs two moves of the index, then gives Wh × 3600 / s between them', () => {
    const p = new IndexPower();
    p.update(1000, 0);
    p.update(1001, 1_500); // moved, but since when is unknown
    expect(p.power).toBeUndefined();
    p.update(1001, 3_000);
    p.update(1003, 9_000); // 2 Wh in 7.5 s
    expect(p.power).toBeCloseTo(960);
  });

  it('decays while the index stands still, and goes negative for a producer', () => {
    const p = new IndexPower();
    for (const [wh, at] of [
      [0, 0],
      [1, 1000],
      [2, 2000],
    ] as const)
      p.update(wh, at);
    expect(p.power).toBeCloseTo(3600);
    p.update(2, 62_000); // a minute without a Wh: at most 60 W
    expect(p.power).toBeCloseTo(60);
    p.update(1, 63_000); // drawn minus injected went down
    expect(p.power).toBeCloseTo(-3600 / 61);
  });
});
