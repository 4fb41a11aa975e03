import { describe, expect, it } from 'vitest';
import { INDEX_POWER_WINDOW_MS, IndexPower } from './index-power.ts';

describe('active power from the index', () => {
  it('needs two moves of the index a window apart, then gives Wh × 3600 / s between them', () => {
    const p = new IndexPower();
    p.update(1000, 0);
    p.update(1001, 1_500); // moved, but since when is unknown
    expect(p.power).toBeUndefined();
    p.update(1003, 9_000); // 2 Wh in 7.5 s: too short a span to say
    expect(p.power).toBeUndefined();
    p.update(1010, 1_500 + INDEX_POWER_WINDOW_MS); // 9 Wh in 30 s
    expect(p.power).toBeCloseTo(1_080);
  });

  it('decays while the index stands still, and goes negative for a producer', () => {
    const p = new IndexPower();
    for (const [wh, at] of [
      [0, 0],
      [1, 1_000],
      [31, 31_000],
    ] as const)
      p.update(wh, at);
    expect(p.power).toBeCloseTo(3600);
    p.update(31, 91_000); // a minute without a Wh: at most 60 W
    expect(p.power).toBeCloseTo(60);
    p.update(30, 92_000); // drawn minus injected went down
    expect(p.power).toBeCloseTo(-3600 / 61);
  });

  it('is not fooled by frames that arrive bunched (a busy machine reading the serial buffer late)', () => {
    // 2,400 W: the index moves 1 Wh every 1.5 s, one frame each; every tenth frame is read 2 ms
    // after the one before, the lost time made up at once (the meter's clock does not lag)
    const p = new IndexPower();
    let seen = 0;
    for (let i = 0; i <= 200; i++) {
      const at = i % 10 === 9 ? 1_500 * (i - 1) + 2 : 1_500 * i;
      p.update(1000 + i, at);
      if (p.power !== undefined) {
        seen++;
        expect(p.power).toBeGreaterThan(2_400 * 0.8);
        expect(p.power).toBeLessThan(2_400 * 1.25);
      }
    }
    expect(seen).toBeGreaterThan(150);
  });
});
