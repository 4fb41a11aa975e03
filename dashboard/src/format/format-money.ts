/**
 * An amount in the hub's currency. The currency code comes from the console's settings; a typo there
 * (Intl throws on an invalid code) must not take the footprint card down, so it falls back to
 * "number code".
 */
export function formatMoney(value: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
  } catch {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)}\u00a0${currency}`;
  }
}
