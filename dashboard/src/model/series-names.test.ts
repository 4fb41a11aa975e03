import { describe, expect, it } from 'vitest';
import { nodeFixture } from '../testing/node-fixtures.ts';
import { findSeries, groupSeries } from './series-names.ts';

describe('groupSeries', () => {
  const nodes = [
    nodeFixture({
      id: 'biblio-air',
      household: { id: 'biblio', name: 'Bibliothèque', kind: 'place' },
      sharing: 'open',
      sensors: [
        {
          id: 'co2',
          series: 'biblio-air/co2',
          quantity: 'co2',
          unit: 'ppm',
          sourceUnit: 'ppm',
          label: null,
          last: null,
        },
        {
          id: 'climate-temperature',
          series: 'biblio-air/climate-temperature',
          quantity: 'temperature',
          unit: '°C',
          sourceUnit: '°C',
          label: null,
          last: null,
        },
        {
          id: 'rssi',
          series: 'biblio-air/rssi',
          quantity: 'rssi',
          unit: 'dBm',
          sourceUnit: 'dBm',
          label: null,
          last: null,
        },
      ],
    }),
    nodeFixture({
      id: 'salle-a',
      household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
      sharing: 'community',
      sensors: [
        {
          id: 't1',
          series: 'salle-a/t1',
          quantity: 'temperature',
          unit: '°C',
          sourceUnit: '°C',
          label: 'Cuisine',
          last: null,
        },
      ],
    }),
    nodeFixture({
      id: 'salle-b',
      household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
      sharing: 'community',
      sensors: [
        {
          id: 't2',
          series: 'salle-b/t2',
          quantity: 'temperature',
          unit: '°C',
          sourceUnit: '°C',
          label: 'Grande salle',
          last: null,
        },
      ],
    }),
    nodeFixture({
      id: 'maison-9',
      household: null,
      sharing: 'private',
      sensors: [
        {
          id: 'energy',
          series: 'maison-9/energy',
          quantity: 'energy',
          unit: 'Wh',
          sourceUnit: 'Wh',
          label: null,
          last: null,
        },
      ],
    }),
  ];

  it('puts the neighbourhood first, then places by name, each sensor named by quantity', () => {
    const groups = groupSeries(nodes);
    expect(groups.map((g) => g.place)).toEqual([null, 'Bibliothèque', 'Salle des fêtes']);
    expect(groups[0]?.options.map((o) => o.series)).toEqual(['collective/energy', 'collective/power']);
    expect(groups[1]?.options).toEqual([
      { series: 'biblio-air/climate-temperature', quantity: 'temperature', detail: null },
      { series: 'biblio-air/co2', quantity: 'co2', detail: null },
    ]);
  });

  it('names a sensor only where a place has two of the same quantity, and leaves private homes out', () => {
    const groups = groupSeries(nodes);
    expect(groups[2]?.options.map((o) => o.detail)).toEqual(['Cuisine', 'Grande salle']);
    expect(JSON.stringify(groups)).not.toContain('maison-9');
    expect(findSeries(groups, 'salle-b/t2')?.place).toBe('Salle des fêtes');
    expect(findSeries(groups, 'maison-9/energy')).toBeUndefined();
  });
});
