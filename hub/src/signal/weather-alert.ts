import type { HeatColdThresholds, WeatherAlert } from '../../../protocol/signal.ts';
import type { HourPoint } from '../published-figures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A day window counts towards the heat rule when the sensor reported in at least this many hours. */
const HOURS_FOR_A_DAY = 12;
/** The newest hour older than this is no reading "now": the sensor is silent. */
const SILENT_MS = 3 * HOUR;

export interface WeatherReading {
  alert: WeatherAlert | null;
  celsius: number | null;
  ts: number | null;
  min24: number | null;
  max24: number | null;
}

/**
 * Heat and cold from the shared outdoor sensor's hourly figures (docs/COLLECTIVE.md):
 * - heat, after Santé publique France's heat-health watch: over the last three days (three 24-hour
 *   windows ending now), the mean of the daily maxima reaches `heatDayC` and the mean of the daily
 *   minima reaches `heatNightC` (the nights no longer cool down);
 * - cold, after France's cold-wave levels: the last 24 hours' minimum below `coldC` ("temps
 *   froid"); at or below `severeColdC` with a day that stayed below 0 °C ("grand froid"); at or
 *   below `extremeColdC` with such a day ("froid extrême").
 * A sensor silent for three hours gives no alert: an old reading is not the weather now.
 */
export function weatherAt(hours: readonly HourPoint[], now: number, t: HeatColdThresholds): WeatherReading {
  const recent = hours.filter((h) => h.t <= now && h.t > now - DAY);
  const newest = recent.at(-1);
  if (!newest || now - newest.t > SILENT_MS)
    return { alert: null, celsius: null, ts: null, min24: null, max24: null };
  const min24 = Math.min(...recent.map((h) => h.min));
  const max24 = Math.max(...recent.map((h) => h.max));
  const base = { celsius: newest.mean, ts: newest.t, min24, max24 };
  if (max24 < 0 && min24 <= t.extremeColdC) return { alert: 'extreme-cold', ...base };
  if (max24 < 0 && min24 <= t.severeColdC) return { alert: 'severe-cold', ...base };
  if (min24 < t.coldC) return { alert: 'cold', ...base };
  const days: { min: number; max: number }[] = [];
  for (let k = 0; k < 3; k++) {
    const inDay = hours.filter((h) => h.t <= now - k * DAY && h.t > now - (k + 1) * DAY);
    if (inDay.length < HOURS_FOR_A_DAY) continue;
    days.push({ min: Math.min(...inDay.map((h) => h.min)), max: Math.max(...inDay.map((h) => h.max)) });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  if (
    days.length > 0 &&
    mean(days.map((d) => d.max)) >= t.heatDayC &&
    mean(days.map((d) => d.min)) >= t.heatNightC
  )
    return { alert: 'heat', ...base };
  return { alert: null, ...base };
}
