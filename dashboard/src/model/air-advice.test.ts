import { describe, expect, it } from 'vitest';
import { AIR_LIMITS, airAdvice } from './air-advice.ts';

describe('airAdvice', () => {
  it('asks to air the room above 800 ppm CO2, urgently above 1400', () => {
    expect(airAdvice('co2', 800, { room: true })).toBeNull();
    expect(airAdvice('co2', 801, { room: true })).toEqual({
      status: 'air',
      level: 'warn',
      message: 'advice.co2High',
    });
    expect(airAdvice('co2', 1401, { room: true })).toEqual({
      status: 'air',
      level: 'alert',
      message: 'advice.co2VeryHigh',
    });
  });
  it('calls for heat-wave care above 28 °C, indoors and out', () => {
    expect(airAdvice('temperature', 28, { room: true })).toBeNull();
    expect(airAdvice('temperature', 28.5, { room: false })).toMatchObject({ status: 'hot', level: 'alert' });
  });
  it('says a room is too cold below 18 °C, but not the weather outdoors', () => {
    expect(airAdvice('temperature', 18, { room: true })).toBeNull();
    expect(airAdvice('temperature', 16.5, { room: true })).toEqual({
      status: 'cold',
      level: 'warn',
      message: 'advice.cold',
    });
    expect(airAdvice('temperature', 2, { room: false })).toBeNull();
  });
  it('flags particulates above the WHO 24-hour guidelines', () => {
    expect(airAdvice('pm25', 15, { room: false })).toBeNull();
    expect(airAdvice('pm25', 16, { room: false })).toMatchObject({
      status: 'particles',
      message: 'advice.pm25',
    });
    expect(airAdvice('pm10', 46, { room: true })).toMatchObject({
      status: 'particles',
      message: 'advice.pm10',
    });
  });
  it('has no opinion on humidity or quantities without a threshold', () => {
    expect(airAdvice('humidity', 100, { room: true })).toBeNull();
    expect(airAdvice('power', 1e6, { room: true })).toBeNull();
  });
  it('keeps the limits docs/DASHBOARD.md cites', () => {
    expect(AIR_LIMITS).toEqual({ co2Air: 800, co2Urgent: 1400, hot: 28, cold: 18, pm25: 15, pm10: 45 });
  });
});
