import type { SeriesStep } from '../../../protocol/api.ts';

export const RANGES = ['day', 'week', 'month', 'year'] as const;
export type HistoryRange = (typeof RANGES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket sizes the hub keeps as rollups, finest first (docs/API.md). */
export const STEP_MS: Readonly<Record<Exclude<SeriesStep, 'raw'>, number>> = {
  minute: MINUTE,
  hour: HOUR,
  day: DAY,
};

/**
 * The finest rollup that keeps the chart at no more than two points per pixel: more points than
 * that only cost bytes and drawing time on an old screen without showing anything more.
 */
export function chooseStep(spanMs: number, widthPx: number): Exclude<SeriesStep, 'raw'> {
  const maxPoints = Math.max(2 * Math.floor(widthPx), 24);
  for (const step of ['minute', 'hour'] as const) {
    if (spanMs / STEP_MS[step] <= maxPoints) return step;
  }
  return 'day';
}
