import { describe, expect, it } from 'vitest';
import { nodeFixture, sensorFixture } from '../testing/node-fixtures.ts';
import { groupPlaces } from './places.ts';

describe('groupPlaces', () => {
  it('groups environment sensors by place, in a fixed quantity order', () => {
    const places = groupPlaces([
      nodeFixture({
        id: 'salle-1',
        household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
        sensors: [
          sensorFixture('salle-1', 'co2', 'co2', 'ppm'),
          sensorFixture('salle-1', 't', 'temperature', '°C'),
        ],
      }),
      nodeFixture({
        id: 'salle-2',
        household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
        sensors: [
          sensorFixture('salle-2', 'p', 'power', 'W'),
          sensorFixture('salle-2', 'h', 'humidity', '%'),
        ],
      }),
    ]);
    expect(places).toHaveLength(1);
    expect(places[0]?.sensors.map((s) => s.quantity)).toEqual(['temperature', 'humidity', 'co2']);
  });
  it('leaves private nodes out entirely', () => {
    const places = groupPlaces([
      nodeFixture({
        id: 'home',
        sharing: 'private',
        sensors: [sensorFixture('home', 't', 'temperature', '°C')],
      }),
    ]);
    expect(places).toEqual([]);
  });
});
