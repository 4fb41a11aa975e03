import { describe, expect, it } from 'vitest';
import { historyFor, metaFor } from './backfill.ts';
import { demoPlan } from './plan.ts';

describe('demo neighbourhood plan', () => {
  it('has the households asked for plus three shared places, one outdoors with particulates', () => {
    const plan = demoPlan(8);
    expect(plan.filter((p) => p.household.kind === 'household')).toHaveLength(8);
    const places = plan.filter((p) => p.household.kind === 'place');
    expect(new Set(places.map((p) => p.household.id)).size).toBe(3);
    expect(places.some((p) => p.model.kind === 'outdoor' && p.sensors.some((s) => s.type === 'sds011'))).toBe(
      true,
    );
    const air = places.filter((p) => p.node.endsWith('-air'));
    expect(air).toHaveLength(3);
    expect(air.every((p) => p.sensors.some((s) => s.type === 'scd4x' || s.type === 'sds011'))).toBe(true);
  });

  it('measures the solar installation of the salle des fêtes as production, by day only', () => {
    const solar = demoPlan(8).find((p) => p.node === 'demo-salle-solar');
    expect(solar?.household.id).toBe('demo-salle');
    if (!solar) throw new Error('no solar clamp');
    expect(metaFor(solar).sensors.map((s) => s.quantity)).toEqual(['current', 'power_produced']);
    const noon = new Date(2026, 5, 15, 13).getTime();
    const power = (from: number) =>
      [...historyFor(solar, from, from + 3_600_000)].flat().filter((r) => r.quantity === 'power_produced');
    const day = power(noon).map((r) => r.value ?? 0);
    expect(Math.max(...day)).toBeGreaterThan(1000);
    expect(Math.max(...day)).toBeLessThan(9000);
    expect(power(noon - 12 * 3_600_000).every((r) => r.value === 0)).toBe(true);
  });

  it('mixes the sharing levels so the privacy rules show from the first start', () => {
    const levels = new Set(demoPlan(8).map((p) => p.household.sharing));
    expect(levels).toEqual(new Set(['private', 'community', 'open']));
  });

  it('gives some households a heat pump and some an electric car, with unique node ids', () => {
    const plan = demoPlan(8);
    expect(plan.some((p) => p.model.heatPump)).toBe(true);
    expect(plan.some((p) => p.model.electricCar)).toBe(true);
    expect(new Set(plan.map((p) => p.node)).size).toBe(plan.length);
  });
});

describe('demo backfill', () => {
  const day = 86_400_000;
  const to = Date.UTC(2026, 0, 15);

  it('declares in meta exactly the sensors its history uses, with the same units', () => {
    for (const p of demoPlan(4)) {
      const meta = metaFor(p);
      const units = new Map(meta.sensors.map((s) => [s.id, s.unit]));
      const [first] = historyFor(p, to - day / 4, to);
      for (const r of first ?? []) expect(units.get(r.sensor)).toBe(r.unit);
    }
  });

  it('numbers readings from 0, in time order, with energy totals that never go down', () => {
    const [household] = demoPlan(1);
    if (!household) throw new Error('no plan');
    const chunks = [...historyFor(household, to - day, to, 1000)];
    expect(chunks.every((c) => c.length <= 1000)).toBe(true);
    const all = chunks.flat();
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i));
    const energy = all.filter((r) => r.quantity === 'energy').map((r) => r.value ?? 0);
    expect(energy.length).toBe(1440);
    expect(energy.every((v, i) => i === 0 || v >= (energy[i - 1] ?? 0))).toBe(true);
    // a household uses a few kWh a day, not watts nor megawatts
    expect(energy.at(-1)).toBeGreaterThan(2000);
    expect(energy.at(-1)).toBeLessThan(60_000);
  });

  it('is reproducible: the same seed gives the same history', () => {
    const [p] = demoPlan(1);
    if (!p) throw new Error('no plan');
    const a = [...historyFor(p, to - day / 24, to)].flat();
    const b = [...historyFor(p, to - day / 24, to)].flat();
    expect(a).toEqual(b);
  });
});
