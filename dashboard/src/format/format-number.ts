/** A number for the locale with at most `digits` decimals ("1 234,5" in French, "1,234.5" in English). */
export function formatNumber(value: number, locale: string, digits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/**
 * A number followed by its unit, joined by a no-break space so the unit never wraps alone. Intl has
 * no watt or ppm unit (ECMA-402 sanctions a short list), so the unit symbol is appended here.
 */
export function withUnit(formatted: string, unit: string): string {
  if (unit === '' || unit === '1') return formatted;
  return `${formatted}\u00a0${unit}`;
}
