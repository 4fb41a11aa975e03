import { describe, expect, it } from 'vitest';
import { formatReading } from './format-reading.ts';

describe('formatReading', () => {
  it('shows temperature to a tenth of a degree', () => {
    expect(formatReading(21.46, '°C', 'fr')).toBe('21,5\u00a0°C');
  });
  it('shows CO2 and particulates as whole numbers', () => {
    expect(formatReading(1012.6, 'ppm', 'en')).toBe('1,013\u00a0ppm');
    expect(formatReading(14.2, 'µg/m³', 'en')).toBe('14\u00a0µg/m³');
  });
  it('scales power and energy', () => {
    expect(formatReading(2500, 'W', 'en')).toBe('2.5\u00a0kW');
    expect(formatReading(2500, 'Wh', 'en')).toBe('2.5\u00a0kWh');
  });
});
