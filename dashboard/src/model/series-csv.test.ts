import { describe, expect, it } from 'vitest';
import { csvFileName, seriesToCsv } from './series-csv.ts';

describe('seriesToCsv', () => {
  it('writes a header and one row per point with ISO time', () => {
    const csv = seriesToCsv({
      series: 'collective/energy',
      unit: 'Wh',
      t: [0, 3_600_000],
      value: [12.5, 13],
    });
    expect(csv).toBe(
      'series,unit,ts,iso_time,value\n' +
        'collective/energy,Wh,0,1970-01-01T00:00:00.000Z,12.5\n' +
        'collective/energy,Wh,3600000,1970-01-01T01:00:00.000Z,13\n',
    );
  });
  it('adds the cost of each bar and its currency when there is one', () => {
    const csv = seriesToCsv({
      series: 'collective/energy',
      unit: 'kWh',
      t: [0],
      value: [12.5],
      cost: { values: [3.1425], currency: 'EUR' },
    });
    expect(csv).toBe(
      'series,unit,ts,iso_time,value,cost,currency\n' +
        'collective/energy,kWh,0,1970-01-01T00:00:00.000Z,12.5,3.1425,EUR\n',
    );
  });
  it('quotes a series name that would break the columns', () => {
    expect(seriesToCsv({ series: 'a,b', unit: 'W', t: [0], value: [1] })).toContain('"a,b",W');
  });
});

describe('csvFileName', () => {
  it("names the series, the range and the period's first day", () => {
    expect(csvFileName('collective/energy', 'week', '2026-11-23')).toBe(
      'communs-collective-energy-week-2026-11-23.csv',
    );
  });
});
