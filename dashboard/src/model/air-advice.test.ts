import { describe, expect, it } from 'vitest';
import { airAdvice } from './air-advice.ts';

describe('airAdvice', () => {
  it('asks to air the room above 1000 ppm CO2, urgently above 1400', () => {
    expect(airAdvice('co2', 1000)).toBeNull();
    expect(airAdvice('co2', 1001)).toEqual({ level: 'warn', message: 'advice.co2High' });
    expect(airAdvice('co2', 1500)?.level).toBe('alert');
  });
  it('calls for heat-wave care above 28 °C indoors', () => {
    expect(airAdvice('temperature', 28)).toBeNull();
    expect(airAdvice('temperature', 28.5)).toEqual({ level: 'alert', message: 'advice.heat' });
  });
  it('flags particulates above the WHO daily guidelines', () => {
    expect(airAdvice('pm25', 16)?.message).toBe('advice.pm25');
    expect(airAdvice('pm10', 40)).toBeNull();
  });
  it('has no opinion on quantities without a threshold', () => {
    expect(airAdvice('power', 1e6)).toBeNull();
  });
  it('gives no cold or humidity advice, which would be wrong for outdoor sensors', () => {
    expect(airAdvice('temperature', 2)).toBeNull();
    expect(airAdvice('humidity', 100)).toBeNull();
  });
});
