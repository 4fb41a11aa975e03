import type { SharingPeriod } from '../store/registry.ts';
import type { Exposure } from './aggregate-rule.ts';

/**
 * How exposed a household's part of bucket [start, end) is, from when its data was public
 * (docs/PRIVACY.md): `named` when its series is public for the whole bucket now (it shares, and
 * has since before the bucket began); `exposed` when it was public during any of the bucket but is
 * not named now (it started sharing during the bucket, or stopped since: someone may hold it);
 * `hidden` when it was private throughout.
 */
export function exposureOf(periods: readonly SharingPeriod[], start: number, end: number): Exposure {
  const last = periods.at(-1);
  if (last && last.until === null && last.since <= start) return 'named';
  for (const p of periods) if (p.since < end && (p.until === null || p.until > start)) return 'exposed';
  return 'hidden';
}

/**
 * The first moment of a household's series the public may read: when its current public period
 * began, rounded up to the next bucket of `period` (a bucket that began while it was private stays
 * private). Null when it is private now.
 */
export function publicFrom(periods: readonly SharingPeriod[], period: number): number | null {
  const last = periods.at(-1);
  if (!last || last.until !== null) return null;
  return period <= 0 ? last.since : Math.ceil(last.since / period) * period;
}
