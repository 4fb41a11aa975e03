import { describe, expect, it } from 'vitest';
import { kitPowerW } from './kit-power.ts';
import { demoPlan } from './plan.ts';

describe('demo power budgets', () => {
  it('every demo node declares the draw of the hardware kit it stands for', () => {
    for (const p of demoPlan(8)) {
      const w = kitPowerW(p.kit);
      expect(w, p.node).toBeGreaterThan(0.1);
      expect(w, p.node).toBeLessThan(1);
    }
  });
});
