/** A ratio as a percentage: 0.034 → "3.4 %" (fr: "3,4 %"); small ratios keep a significant digit. */
export function formatPercent(ratio: number, locale: string): string {
  const digits = Math.abs(ratio) < 0.1 ? 1 : 0;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(ratio);
}

/** A change against a reference, signed: +12 %, −5 %. */
export function formatChange(ratio: number, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  }).format(ratio);
}
