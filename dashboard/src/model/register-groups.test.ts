import { describe, expect, it } from 'vitest';
import type { RegisterEntry } from '../../../protocol/api.ts';
import { groupRegister, sameLines } from './register-groups.ts';

const entry = (
  series: string | null,
  household: string | null,
  sharing: RegisterEntry['sharing'],
): RegisterEntry => ({
  series,
  node: series?.split('/')[0] ?? null,
  sensor: series?.split('/')[1] ?? null,
  quantity: 'power',
  unit: 'W',
  label: null,
  household,
  sharing,
  rawRetentionDays: 30,
  visibleTo: '',
  inOpenData: sharing === 'open',
});

describe('groupRegister', () => {
  it('groups by sharing level, most visible first, then by household in the order they come', () => {
    const g = groupRegister([
      entry('a/power', 'Rue Haute 3', 'community'),
      entry(null, null, 'private'),
      entry('b/co2', 'Bibliothèque', 'open'),
      entry('a/energy', 'Rue Haute 3', 'community'),
    ]);
    expect(g.map((l) => l.sharing)).toEqual(['open', 'community', 'private']);
    expect(g[0]?.inOpenData).toBe(true);
    expect(g[1]?.households.map((h) => [h.household, h.entries.map((e) => e.series)])).toEqual([
      ['Rue Haute 3', ['a/power', 'a/energy']],
    ]);
  });
  it('lists the sensors of private households together, unidentified, as the hub gives them', () => {
    const g = groupRegister([entry(null, null, 'private'), entry(null, null, 'private')]);
    expect(g).toHaveLength(1);
    expect(g[0]?.households).toHaveLength(1);
    expect(g[0]?.households[0]).toMatchObject({ household: null, nodes: [] });
    expect(g[0]?.households[0]?.entries).toHaveLength(2);
  });
  it('names the nodes of a named household once', () => {
    const g = groupRegister([
      entry('a/power', 'Rue Haute 3', 'open'),
      entry('a/energy', 'Rue Haute 3', 'open'),
    ]);
    expect(g[0]?.households[0]?.nodes).toEqual(['a']);
  });
  it('counts the unidentified sensors that measure the same thing: one line each, not one a sensor', () => {
    const energy = { ...entry(null, null, 'private'), quantity: 'energy' as const, unit: 'kWh' };
    const lines = sameLines([
      entry(null, null, 'private'),
      energy,
      entry(null, null, 'private'),
      entry(null, null, 'private'),
    ]);
    expect(lines.map((l) => [l.entry.quantity, l.count])).toEqual([
      ['power', 3],
      ['energy', 1],
    ]);
    // named sensors stay one line each: each has its own series
    const named = sameLines([
      entry('a/power', 'Rue Haute 3', 'open'),
      entry('b/power', 'Rue Haute 3', 'open'),
    ]);
    expect(named.map((l) => l.count)).toEqual([1, 1]);
  });
});
