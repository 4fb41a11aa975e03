import { z } from 'zod';

/** True for a zone name the runtime knows (IANA: "Europe/Paris", "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A time zone, by IANA name: the neighbourhood's (`settings set timezone`) or one device's (`device
 * add --timezone`), for device clocks that write local time without an offset (Tasmota's `Time`).
 */
export const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, {
    error: (issue) =>
      `"${String(issue.input)}" is not a time zone: use a name such as Europe/Paris (timedatectl list-timezones lists them)`,
  });
