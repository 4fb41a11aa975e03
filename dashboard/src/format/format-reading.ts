import { formatEnergy } from './format-energy.ts';
import { formatNumber, withUnit } from './format-number.ts';
import { formatPower } from './format-power.ts';

// Decimals worth showing per canonical unit: a tenth of a degree matters, a tenth of a ppm does not.
const DIGITS: Readonly<Record<string, number>> = {
  '°C': 1,
  '%': 0,
  ppm: 0,
  'µg/m³': 0,
  hPa: 0,
  V: 0,
  A: 1,
  dB: 0,
};

/** Any reading in its canonical unit, scaled where people expect it (W → kW, Wh → kWh). */
export function formatReading(value: number, unit: string, locale: string): string {
  if (unit === 'W') return formatPower(value, locale);
  if (unit === 'Wh') return formatEnergy(value, locale);
  return withUnit(formatNumber(value, locale, DIGITS[unit] ?? 1), unit);
}
