import { formatNumber, withUnit } from './format-number.ts';

/** A mass from grams, as CO2 is counted: "180 g", "3.1 kg", "1.2 t". */
export function formatMass(grams: number, locale: string): string {
  const abs = Math.abs(grams);
  if (abs >= 1e6) return withUnit(formatNumber(grams / 1e6, locale, 1), 't');
  if (abs >= 1e3) return withUnit(formatNumber(grams / 1e3, locale, abs >= 1e5 ? 0 : 1), 'kg');
  return withUnit(formatNumber(grams, locale, 0), 'g');
}
