import type { MessageKey } from '../i18n/catalogue-en.ts';

/** What is wrong with the air or the comfort of a place, in a word. */
export type AirStatus = 'good' | 'air' | 'hot' | 'cold' | 'particles';
export type AdviceLevel = 'ok' | 'warn' | 'alert';

export interface Advice {
  status: Exclude<AirStatus, 'good'>;
  level: Exclude<AdviceLevel, 'ok'>;
  message: MessageKey;
}

/**
 * The limits behind every verdict; docs/DASHBOARD.md ("Air verdicts") gives each one's source.
 * CO2 (ppm): 800 is the ceiling of EN 13779's "high indoor air quality" class (400 ppm above
 * outdoor air at ~400 ppm) and the level France's Haut Conseil de la santé publique asks rooms
 * open to the public to stay under; 1400 starts EN 13779's "low indoor air quality" class
 * (1000 ppm above outdoor air). Heat (°C): 28 is the overheating mark for living rooms of CIBSE
 * Guide A, and where French heat-wave plans ask to care for vulnerable people. Cold: 18 is the
 * WHO Housing and health guidelines' (2018) minimum indoor temperature. Particulates (µg/m³): the
 * WHO 2021 24-hour air quality guidelines, PM2.5 15 and PM10 45.
 */
export const AIR_LIMITS = { co2Air: 800, co2Urgent: 1400, hot: 28, cold: 18, pm25: 15, pm10: 45 } as const;

/**
 * Plain-language advice for one reading, null when the value is fine or the quantity has none.
 * `room`: the place is known to be a room. Cold is only said of rooms: places include outdoor
 * stations (a square, a garden), where 2 °C is weather, not a room to heat. Humidity gets no
 * advice for the same reason, and because its comfort band depends on the season.
 */
export function airAdvice(quantity: string, value: number, opts: { room: boolean }): Advice | null {
  switch (quantity) {
    case 'co2':
      if (value > AIR_LIMITS.co2Urgent)
        return { status: 'air', level: 'alert', message: 'advice.co2VeryHigh' };
      if (value > AIR_LIMITS.co2Air) return { status: 'air', level: 'warn', message: 'advice.co2High' };
      return null;
    case 'temperature':
      if (value > AIR_LIMITS.hot) return { status: 'hot', level: 'alert', message: 'advice.heat' };
      if (opts.room && value < AIR_LIMITS.cold)
        return { status: 'cold', level: 'warn', message: 'advice.cold' };
      return null;
    case 'pm25':
      return value > AIR_LIMITS.pm25 ? { status: 'particles', level: 'warn', message: 'advice.pm25' } : null;
    case 'pm10':
      return value > AIR_LIMITS.pm10 ? { status: 'particles', level: 'warn', message: 'advice.pm10' } : null;
    default:
      return null;
  }
}
