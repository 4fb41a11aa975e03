import type {
  Challenge,
  ChallengeBaseline,
  ChallengeFigures,
  ChallengeHour,
} from '../../../protocol/challenge.ts';
import { addDays, type LocalClock } from '../cost/local-time.ts';
import type { PublishedBucket } from '../published-figures.ts';
import { atLocal } from '../signal/local-hours.ts';

const HOUR = 3_600_000;
/** How many earlier weeks the baseline looks at, and how many it needs. */
export const BASELINE_WEEKS = 4;
export const BASELINE_MIN_WEEKS = 2;

/** The € and CO2 of energy (hub/src/challenges/saving-value.ts prices it with the tariffs). */
export interface EnergyValue {
  value(hours: readonly { t: number; wh: number }[]): { cost: number; co2g: number; currency: string };
}

export interface ChallengeReads {
  /** the neighbourhood's published energy per hour in [from, to) */
  energy(from: number, to: number): PublishedBucket[];
  /** true when another challenge covers this date and window (its week is no baseline) */
  challengedOn(date: string, from: string, to: string): boolean;
}

/** The window of a challenge, or of the same hours on another date, as instants. */
export function windowOf(
  clock: LocalClock,
  date: string,
  from: string,
  to: string,
): { start: number; end: number } {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60;
  const start = atLocal(clock, date, minutes(from));
  const end = to === '24:00' ? clock.startOfDay(addDays(date, 1)) : atLocal(clock, date, minutes(to));
  return { start, end };
}

export interface Baseline extends ChallengeBaseline {
  /** per hour of the window: what one household typically used, Wh */
  perHome: number[];
}

/**
 * The baseline (docs/COLLECTIVE.md): the same weekday and hours in each of the BASELINE_WEEKS weeks
 * before, from the published hourly energy of the neighbourhood. A week counts when every hour of
 * its window was published and no challenge ran then; each hour's energy is divided by the
 * households it counted, so a household joining or away does not move the baseline. The baseline of
 * an hour is the mean of those per-household figures. Null below BASELINE_MIN_WEEKS weeks.
 */
export function baselineOf(c: Challenge, clock: LocalClock, reads: ChallengeReads): Baseline | null {
  const { start, end } = windowOf(clock, c.date, c.from, c.to);
  const n = Math.round((end - start) / HOUR);
  const sums = new Array<number>(n).fill(0);
  const weeks: string[] = [];
  for (let w = 1; w <= BASELINE_WEEKS; w++) {
    const date = addDays(c.date, -7 * w);
    if (reads.challengedOn(date, c.from, c.to)) continue;
    const win = windowOf(clock, date, c.from, c.to);
    const byHour = new Map(reads.energy(win.start, win.end).map((b) => [b.start, b]));
    const perHome: number[] = [];
    for (let k = 0; k < n; k++) {
      const b = byHour.get(win.start + k * HOUR);
      if (!b || b.value === null || !b.households) break;
      perHome.push(b.value / b.households);
    }
    if (perHome.length < n) continue;
    weeks.push(date);
    perHome.forEach((v, k) => {
      sums[k] = (sums[k] ?? 0) + v;
    });
  }
  if (weeks.length < BASELINE_MIN_WEEKS) return null;
  const perHome = sums.map((s) => s / weeks.length);
  return { weeks, perHome, perHomeWh: perHome.reduce((a, b) => a + b, 0) };
}

export interface WindowFigures {
  hours: ChallengeHour[];
  figures: ChallengeFigures | null;
  /** true when an hour of the window so far was withheld by the privacy rule */
  withheld: boolean;
}

/**
 * The window's hours against the baseline: each published hour expects the baseline per household
 * times the households it counted. The figures cover the hours published so far: change
 * = used / expected - 1, saved = expected - used, priced hour by hour at the tariff (a saving in a
 * red Tempo peak hour is worth more). An hour withheld by the privacy rule withholds the figures.
 */
export function windowFigures(
  c: Challenge,
  clock: LocalClock,
  baseline: Baseline | null,
  energy: readonly PublishedBucket[],
  value: EnergyValue,
): WindowFigures {
  const { start, end } = windowOf(clock, c.date, c.from, c.to);
  const byHour = new Map(energy.map((b) => [b.start, b]));
  const hours: ChallengeHour[] = [];
  const saved: { t: number; wh: number }[] = [];
  let wh = 0;
  let expectedWh = 0;
  let withheld = false;
  for (let k = 0, t = start; t < end; k++, t += HOUR) {
    const b = byHour.get(t);
    const per = baseline?.perHome[k];
    if (b && b.value === null) withheld = true;
    const used = b?.value ?? null;
    const expected = per !== undefined && b?.households ? per * b.households : null;
    hours.push({ t, expectedWh: expected, wh: used });
    if (used === null || expected === null) continue;
    wh += used;
    expectedWh += expected;
    saved.push({ t, wh: expected - used });
  }
  if (withheld || !baseline || saved.length === 0 || expectedWh <= 0)
    return { hours, figures: null, withheld };
  const money = value.value(saved);
  const changePct = (wh / expectedWh - 1) * 100;
  return {
    hours,
    withheld,
    figures: {
      wh,
      expectedWh,
      changePct,
      savedWh: expectedWh - wh,
      savedCost: money.cost,
      savedCo2g: money.co2g,
      currency: money.currency,
      met: changePct <= c.targetPct,
      hours: saved.length,
    },
  };
}
