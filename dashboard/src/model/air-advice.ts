import type { MessageKey } from '../i18n/catalogue-en.ts';

export type AdviceLevel = 'ok' | 'warn' | 'alert';

export interface Advice {
  level: AdviceLevel;
  message: MessageKey;
}

/**
 * Plain-language thresholds for indoor air and comfort. CO2: 1000 ppm is the usual "air the room"
 * mark for classrooms and homes, 1400 ppm where concentration measurably drops. Heat: 28 °C indoors
 * is the threshold French heat-wave plans use for vulnerable people. Particulates: WHO 2021
 * 24-hour guidelines (PM2.5 15 µg/m³, PM10 45 µg/m³), which hold indoors and out.
 * No advice for cold or humidity: places include outdoor sensors (a square, a garden), where 2 °C
 * and 100 % humidity are weather, not a room to fix, and the API does not say which is which.
 * Returns null when the quantity has no threshold or the value is fine.
 */
export function airAdvice(quantity: string, value: number): Advice | null {
  switch (quantity) {
    case 'co2':
      if (value > 1400) return { level: 'alert', message: 'advice.co2VeryHigh' };
      if (value > 1000) return { level: 'warn', message: 'advice.co2High' };
      return null;
    case 'temperature':
      return value > 28 ? { level: 'alert', message: 'advice.heat' } : null;
    case 'pm25':
      return value > 15 ? { level: 'warn', message: 'advice.pm25' } : null;
    case 'pm10':
      return value > 45 ? { level: 'warn', message: 'advice.pm10' } : null;
    default:
      return null;
  }
}
