import { formatNumber, withUnit } from './format-number.ts';

/** Power for people: "0.4 W", "850 W", "12.4 kW", "1.2 MW"; three significant figures are plenty on a screen. */
export function formatPower(watts: number, locale: string): string {
  const abs = Math.abs(watts);
  if (abs >= 1e6) return withUnit(formatNumber(watts / 1e6, locale, 2), 'MW');
  if (abs >= 1e3) return withUnit(formatNumber(watts / 1e3, locale, abs >= 1e5 ? 0 : 1), 'kW');
  // a node's budget is a fraction of a watt: "0.4 W", not "0 W"
  return withUnit(formatNumber(watts, locale, abs < 10 ? 1 : 0), 'W');
}
