import { describe, expect, it } from 'vitest';
import type { RegisterEntry } from '../../../protocol/api.ts';
import { groupRegister } from './register-groups.ts';

const entry = (
  series: string,
  household: string | null,
  sharing: RegisterEntry['sharing'],
): RegisterEntry => ({
  series,
  node: series.split('/')[0] ?? '',
  sensor: series.split('/')[1] ?? '',
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
  it('gathers the sensors of each named household, in the order they come', () => {
    const g = groupRegister([
      entry('a/power', 'Rue Haute 3', 'community'),
      entry('b/co2', 'Bibliothèque', 'open'),
      entry('a/energy', 'Rue Haute 3', 'community'),
    ]);
    expect(g.map((x) => [x.household, x.entries.map((e) => e.series)])).toEqual([
      ['Rue Haute 3', ['a/power', 'a/energy']],
      ['Bibliothèque', ['b/co2']],
    ]);
    expect(g[1]?.inOpenData).toBe(true);
  });
  it('keeps unnamed (private) homes apart by node: two private homes are never merged into one', () => {
    const g = groupRegister([entry('p1/power', null, 'private'), entry('p2/power', null, 'private')]);
    expect(g.map((x) => x.node)).toEqual(['p1', 'p2']);
    expect(g.every((x) => x.household === null)).toBe(true);
  });
});
