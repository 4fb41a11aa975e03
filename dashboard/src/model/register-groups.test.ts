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
  it('groups by sharing level, most visible first, then by household in the order they come', () => {
    const g = groupRegister([
      entry('a/power', 'Rue Haute 3', 'community'),
      entry('p/power', null, 'private'),
      entry('b/co2', 'Bibliothèque', 'open'),
      entry('a/energy', 'Rue Haute 3', 'community'),
    ]);
    expect(g.map((l) => l.sharing)).toEqual(['open', 'community', 'private']);
    expect(g[0]?.inOpenData).toBe(true);
    expect(g[1]?.households.map((h) => [h.household, h.entries.map((e) => e.series)])).toEqual([
      ['Rue Haute 3', ['a/power', 'a/energy']],
    ]);
  });
  it('keeps unnamed (private) homes apart by node: two private homes are never merged into one', () => {
    const g = groupRegister([entry('p1/power', null, 'private'), entry('p2/power', null, 'private')]);
    expect(g[0]?.households.map((h) => h.node)).toEqual(['p1', 'p2']);
    expect(g[0]?.households.every((h) => h.household === null)).toBe(true);
  });
});
