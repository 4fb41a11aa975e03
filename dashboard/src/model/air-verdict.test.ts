import { describe, expect, it } from 'vitest';
import { sensorFixture } from '../testing/node-fixtures.ts';
import { placeVerdict, summarizeAir } from './air-verdict.ts';

const NOW = Date.UTC(2026, 0, 15, 12);
const fresh = (value: number) => ({ ts: NOW - 60_000, value });

describe('placeVerdict', () => {
  it('is good when every fresh reading is within its limits', () => {
    const v = placeVerdict(
      [
        sensorFixture('b', 'co2', 'co2', 'ppm', fresh(620)),
        sensorFixture('b', 't', 'temperature', '°C', fresh(20.5)),
      ],
      NOW,
    );
    expect(v).toEqual({ status: 'good', level: 'ok', advice: [] });
  });
  it('takes the most serious problem: CO2 urgency first, then heat, cold, particles', () => {
    const v = placeVerdict(
      [
        sensorFixture('s', 't', 'temperature', '°C', fresh(16)),
        sensorFixture('s', 'co2', 'co2', 'ppm', fresh(1500)),
      ],
      NOW,
    );
    expect(v.status).toBe('air');
    expect(v.level).toBe('alert');
    expect(v.advice.map((a) => a.status)).toEqual(['air', 'cold']);
  });
  it('counts a place with a CO2 sensor as a room (cold applies) and one without as possibly outdoors', () => {
    const room = placeVerdict(
      [
        sensorFixture('r', 'co2', 'co2', 'ppm', fresh(500)),
        sensorFixture('r', 't', 'temperature', '°C', fresh(15)),
      ],
      NOW,
    );
    expect(room.status).toBe('cold');
    const square = placeVerdict(
      [
        sensorFixture('q', 't', 'temperature', '°C', fresh(3)),
        sensorFixture('q', 'pm', 'pm25', 'µg/m³', fresh(9)),
      ],
      NOW,
    );
    expect(square.status).toBe('good');
  });
  it('ignores readings older than an hour, and says so when nothing recent is left', () => {
    const v = placeVerdict(
      [sensorFixture('o', 'co2', 'co2', 'ppm', { ts: NOW - 2 * 3_600_000, value: 2000 })],
      NOW,
    );
    expect(v).toEqual({ status: 'unknown', level: 'ok', advice: [] });
    expect(placeVerdict([sensorFixture('o', 'co2', 'co2', 'ppm', null)], NOW).status).toBe('unknown');
  });
  it('reads newer values from the live stream over the ones the hub gave at load', () => {
    const sensors = [sensorFixture('s', 'co2', 'co2', 'ppm', fresh(600))];
    const live = new Map([['s/co2', { ts: NOW, value: 1200 }]]);
    expect(placeVerdict(sensors, NOW, live).status).toBe('air');
  });
});

describe('summarizeAir', () => {
  it('names the places with a problem, most serious first, and counts the others', () => {
    const s = summarizeAir([
      { name: 'Bibliothèque', verdict: { status: 'good', level: 'ok', advice: [] } },
      { name: 'École', verdict: { status: 'particles', level: 'warn', advice: [] } },
      { name: 'Salle', verdict: { status: 'air', level: 'alert', advice: [] } },
      { name: 'Square', verdict: { status: 'unknown', level: 'ok', advice: [] } },
    ]);
    expect(s.problems.map((p) => p.name)).toEqual(['Salle', 'École']);
    expect(s.good).toBe(1);
    expect(s.unknown).toBe(1);
  });
});
