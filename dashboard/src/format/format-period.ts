import type { Period } from '../model/history-period.ts';

/**
 * A period in words that cannot be misread: "Thursday, 12 March 2026", "9 – 15 March 2026",
 * "March 2026", "2026" (fr: "jeudi 12 mars 2026", "9–15 mars 2026", "mars 2026").
 */
export function formatPeriod(p: Period, locale: string): string {
  switch (p.range) {
    case 'day':
      return new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(p.start);
    case 'week':
      return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric' }).formatRange(
        p.start,
        p.end - 1,
      );
    case 'month':
      return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(p.start);
    case 'year':
      return new Intl.DateTimeFormat(locale, { year: 'numeric' }).format(p.start);
  }
}
