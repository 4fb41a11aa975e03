/**
 * Device clocks. Tasmota writes `Time` as local wall-clock time without an offset (unless its
 * `TimeStd`/`SetOption52` add one), so it is read in the hub's time zone.
 */
const WALL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;

/** A device that has not synchronised its clock yet reports 1970: such a time is not used. */
export const EARLIEST_PLAUSIBLE = Date.UTC(2020, 0, 1);

const formats = new Map<string, Intl.DateTimeFormat>();

export function hubTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Epoch ms of a device time text, or undefined when unreadable or implausibly early. */
export function parseDeviceTime(text: unknown, timeZone: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  let ts: number | undefined;
  if (HAS_OFFSET.test(text)) {
    const parsed = Date.parse(text);
    ts = Number.isNaN(parsed) ? undefined : parsed;
  } else {
    const m = WALL.exec(text);
    if (!m) return undefined;
    const n = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const wall = Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5], Number((m[7] ?? '0').padEnd(3, '0')));
    // two passes: the offset at the guessed instant settles the one at the true instant (DST edges)
    const guess = wall - offsetMs(wall, timeZone);
    ts = wall - offsetMs(guess, timeZone);
  }
  return ts !== undefined && ts >= EARLIEST_PLAUSIBLE ? ts : undefined;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(ts: number, timeZone: string): number {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ts)) p[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
}
