import { describe, expect, it } from 'vitest';
import { computeFootprint } from './footprint.ts';

const base = {
  hubPowerW: 3,
  nodePowerW: [0.5, 0.5, null],
  measuredWh: 0,
  measuredSpanMs: 0,
  tariffPerKwh: 0.25,
  dailyCharge: 0.4,
  gridGco2PerKwh: 50,
};

describe('computeFootprint', () => {
  it('adds the hub and declared node budgets over a year', () => {
    const f = computeFootprint(base);
    expect(f.systemW).toBe(4);
    expect(f.systemKwhPerYear).toBeCloseTo(35.064);
    expect(f.countedNodes).toBe(2);
    expect(f.undeclaredNodes).toBe(1);
    expect(f.costPerYear).toBeCloseTo(8.766);
    expect(f.co2KgPerYear).toBeCloseTo(1.7532);
  });
  it('extrapolates the measured energy to a year before taking the share', () => {
    const thirtyDays = 30 * 86_400_000;
    const f = computeFootprint({ ...base, measuredWh: 3_000_000, measuredSpanMs: thirtyDays });
    // 3,000 kWh in 30 days → 36,525 kWh a year
    expect(f.measuredKwhPerYear).toBeCloseTo(36_525);
    expect(f.share).toBeCloseTo(35.064 / 36_525);
  });
  it('gives no share when nothing was measured', () => {
    expect(computeFootprint(base).share).toBeNull();
  });
});
