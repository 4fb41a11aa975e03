import { formatNumber, withUnit } from './format-number.ts';

/** Energy from Wh: "640 Wh", "12.3 kWh", "4,210 kWh" (bills speak kWh), "1.25 MWh" beyond. */
export function formatEnergy(wattHours: number, locale: string): string {
  const abs = Math.abs(wattHours);
  if (abs >= 1e7) return withUnit(formatNumber(wattHours / 1e6, locale, 2), 'MWh');
  if (abs >= 1e3) return withUnit(formatNumber(wattHours / 1e3, locale, abs >= 1e5 ? 0 : 1), 'kWh');
  return withUnit(formatNumber(wattHours, locale, 0), 'Wh');
}
