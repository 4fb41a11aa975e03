const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Tick labels for a time axis, chosen by the span shown: hours within two days, days within two
 * months, months beyond. uPlot's own labels are English-only; these follow the page's language.
 */
export function axisTimeFormatter(spanMs: number, locale: string): (ts: number) => string {
  let options: Intl.DateTimeFormatOptions;
  if (spanMs <= 2 * DAY) options = { timeStyle: 'short' };
  else if (spanMs <= 62 * DAY) options = { day: 'numeric', month: 'short' };
  // the whole year: "févr. 26" reads as 26 February
  else options = { month: 'short', year: 'numeric' };
  const format = new Intl.DateTimeFormat(locale, options);
  return (ts) => format.format(ts);
}
