import type { Slot } from '../model/history-period.ts';

/**
 * The label under one bar, short: an hour ("14 h" / "2 PM"), a day of a week ("Mon", "9" on two lines),
 * a day of a month ("9"), a month ("Mar" / "mars"). The period's own title carries the rest, so no
 * label is a date that could be misread. `week` tells a day of a week from a day of a month.
 */
export function formatSlot(ts: number, slot: Slot, locale: string, week = false): string {
  if (slot === 'hour') return new Intl.DateTimeFormat(locale, { hour: 'numeric' }).format(ts);
  if (slot === 'month') return new Intl.DateTimeFormat(locale, { month: 'short' }).format(ts);
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric' }).format(ts);
  // two short lines, weekday over day, fit under the narrow bars of a phone
  return week ? `${new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(ts)}\n${day}` : day;
}

/** The same slot in full, for a tooltip and the table read aloud: "14:00–15:00", "Monday 9 March", "March 2026". */
export function formatSlotLong(ts: number, slot: Slot, locale: string): string {
  if (slot === 'hour')
    return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).formatRange(ts, ts + 3_600_000);
  if (slot === 'month') return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(ts);
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(ts);
}
