/** Time of day: "18:05", "00:55" (fr), "6:05 PM" (en); the locale's short style, not hand-made. */
export function formatTime(ts: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(ts);
}

/** A date with the time: "29 nov., 18:05" / "Nov 29, 6:05 PM". */
export function formatDateTime(ts: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ts);
}

/** A calendar date: "29 nov. 2026" / "Nov 29, 2026". */
export function formatDate(ts: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(ts);
}

/** The weekday's name: "sunday"-like, as the locale writes it inside a sentence. */
export function formatWeekday(ts: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(ts);
}

/** An hour-long slot starting at `hour` (0–23): "18:00–19:00" / "6:00 PM – 7:00 PM". */
export function formatHourSlot(hour: number, locale: string): string {
  const start = new Date(2000, 0, 1, hour);
  const end = new Date(2000, 0, 1, hour + 1);
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).formatRange(start, end);
}
