/**
 * Device clocks. Tasmota writes `Time` as local wall-clock time without an offset (unless its
 * `TimeStd`/`SetOption52` add one), so it is read in the neighbourhood's time zone (`settings set
 * timezone`, by default the system's) or the device's own (`device add --timezone`).
 */
const WALL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;

/** A device that has not synchronised its clock yet reports 1970: such a time is not used. */
export const EARLIEST_PLAUSIBLE = Date.UTC(2020, 0, 1);

const formats = new Map<string, Intl.DateTimeFormat>();

export function hubTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** How far a device clock may stray from the hub's before its readings are refused. */
export const CLOCK_TOLERANCE_MS = 10 * 60_000;

/**
 * Why a device time is refused, or undefined when it is within the tolerance: the offset seen and
 * the zone it was read in, for the admin who must say which zone the device's clock shows. A time
 * behind the hub's is refused only for a message that came `live` (Tasmota keeps no backlog, so it
 * cannot be late): one held by a broker in between may be old.
 */
export function clockOff(
  text: string,
  ts: number,
  now: number,
  timeZone: string,
  live: boolean,
): string | undefined {
  const diff = ts - now;
  if (diff <= CLOCK_TOLERANCE_MS && (diff >= -CLOCK_TOLERANCE_MS || !live)) return undefined;
  const minutes = Math.round(Math.abs(diff) / 60_000);
  const h = Math.floor(minutes / 60);
  const span = `${h ? `${h} h ` : ''}${minutes % 60 ? `${minutes % 60} min ` : ''}`.trim();
  const read = HAS_OFFSET.test(text) ? '' : ` read in ${timeZone}`;
  return `Time "${text.slice(0, 32)}"${read} is ${span} ${diff > 0 ? 'ahead of' : 'behind'} the hub's clock: set the zone the device's clock shows ("settings set timezone ZONE" for the neighbourhood, "device add ... --timezone ZONE" for this device) or fix the device's clock`;
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
