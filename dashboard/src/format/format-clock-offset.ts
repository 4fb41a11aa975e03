import { msg } from '../i18n/localize.ts';

/** A clock within this of the hub's is "in step": SNTP over a LAN does better, a drifting node much worse. */
const IN_STEP_MS = 2000;

const UNITS: ReadonlyArray<[Intl.NumberFormatOptions['unit'], number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/**
 * A node's clock against the hub's: "in step", or how far ahead or behind, in the largest unit that
 * fits ("3 min ahead", "2 h en retard"); null when the node sent no time.
 */
export function formatClockOffset(offsetMs: number | null, locale: string): string | null {
  if (offsetMs === null) return null;
  const size = Math.abs(offsetMs);
  if (size < IN_STEP_MS) return msg('clock.inStep');
  const [unit, ms] = UNITS.find(([, u]) => size >= u) ?? ['second', 1000];
  const amount = new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: 0,
  }).format(Math.round(size / ms));
  return msg(offsetMs > 0 ? 'clock.ahead' : 'clock.behind', { amount });
}
