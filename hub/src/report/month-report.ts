import type { ChallengeView } from '../../../protocol/challenge.ts';
import type { ProductionShares } from '../../../protocol/production.ts';
import type { CostFigures } from '../../../protocol/tariff.ts';
import type { HubContext } from '../context.ts';
import { costReport } from '../cost/cost-report.ts';
import { addDays, addMonths, LocalClock } from '../cost/local-time.ts';
import { policyOf } from '../privacy/collective-publisher.ts';
import { togetherOf } from '../together.ts';

const HOUR = 3_600_000;

/** A month's energy, money and CO2, or why there is none: withheld by the privacy rule, or no data. */
export type MonthFigures =
  | { kind: 'figures'; total: CostFigures; withheldHours: number }
  | { kind: 'withheld' }
  | { kind: 'none' };

/**
 * Everything the monthly notice-board report says (docs/COLLECTIVE.md, "The monthly report"), each
 * figure read from the published figures: the neighbourhood's energy as the aggregate privacy rule
 * let it out, a single series only when its household made it public. A withheld figure stays
 * withheld here; it is never shown as zero.
 */
export interface MonthReport {
  month: string;
  neighbourhood: string;
  timeZone: string;
  currency: string;
  gco2PerKwh: number;
  /** generated at */
  ts: number;
  /** the month, the one before and the same month a year before */
  figures: MonthFigures;
  previous: MonthFigures;
  lastYear: MonthFigures;
  /** the energy of each day (null: nothing published that day), for the chart */
  days: { date: string; wh: number | null }[];
  /** the mean energy of each hour of the day over the month's published hours (null: none) */
  hours: (number | null)[];
  /** the hour of the day the neighbourhood used most, on average */
  peakHour: number | null;
  challenges: ChallengeView[];
  /** the shared outdoor sensor's hot and frosty days, when it is public */
  weather: {
    place: string | null;
    heatDayC: number;
    coldC: number;
    hotDays: string[];
    frostDays: string[];
  } | null;
  production: ProductionShares | null;
  /** the most households a published hour of the month counted */
  households: number | null;
  privacyK: number;
  /** the hub's own electricity over the month (its declared power × the month's hours) */
  hubWh: number;
  hubPowerW: number;
}

export function monthBounds(clock: LocalClock, month: string): { from: number; to: number } {
  const first = `${month}-01`;
  return { from: clock.startOfDay(first), to: clock.startOfDay(addMonths(first, 1)) };
}

export function monthReport(ctx: HubContext, month: string): MonthReport {
  const settings = ctx.settings.get();
  const clock = new LocalClock({ timeZone: settings.timeZone });
  const together = togetherOf(ctx);
  const { from, to } = monthBounds(clock, month);
  const now = ctx.now();
  const costOf = (f: number, t: number, bucket: 'none' | 'day') =>
    costReport(
      { series: ctx.store.series, tariffs: ctx.store.tariffs, settings, now },
      { source: { kind: 'collective', policy: policyOf(ctx.settings) }, from: f, to: t, bucket },
    );
  const figuresOf = (m: string): MonthFigures => {
    const b = monthBounds(clock, m);
    const body = costOf(b.from, b.to, 'none');
    const withheldHours = together.figures
      .buckets('energy', 'hour', b.from, b.to)
      .filter((h) => h.value === null).length;
    if (body.total.hours > 0) return { kind: 'figures', total: body.total, withheldHours };
    return withheldHours > 0 ? { kind: 'withheld' } : { kind: 'none' };
  };

  const daily = costOf(from, to, 'day');
  const byDay = new Map(daily.buckets.t.map((t, i) => [clock.local(t).date, daily.buckets.wh[i] ?? null]));
  const days: MonthReport['days'] = [];
  for (let d = `${month}-01`; d < addMonths(`${month}-01`, 1); d = addDays(d, 1))
    days.push({ date: d, wh: byDay.get(d) ?? null });

  const published = together.figures.buckets('energy', 'hour', from, to);
  const sums = Array.from({ length: 24 }, () => ({ wh: 0, n: 0 }));
  let households: number | null = null;
  for (const h of published) {
    if (h.value === null) continue;
    const slot = sums[Math.floor(clock.local(h.start).minute / 60)];
    if (slot) {
      slot.wh += h.value;
      slot.n += 1;
    }
    if (h.households !== null) households = Math.max(households ?? 0, h.households);
  }
  const hours = sums.map((s) => (s.n > 0 ? s.wh / s.n : null));
  let peakHour: number | null = null;
  hours.forEach((wh, h) => {
    if (wh !== null && (peakHour === null || wh > (hours[peakHour] ?? 0))) peakHour = h;
  });

  const production = together.production({ month });
  return {
    month,
    neighbourhood: settings.neighbourhood,
    timeZone: settings.timeZone,
    currency: settings.currency,
    gco2PerKwh: settings.gridGco2PerKwh,
    ts: now,
    figures: figuresOf(month),
    previous: figuresOf(addMonths(`${month}-01`, -1).slice(0, 7)),
    lastYear: figuresOf(addMonths(`${month}-01`, -12).slice(0, 7)),
    days,
    hours,
    peakHour,
    challenges: together.challenges.views().filter((c) => c.date.startsWith(month)),
    weather: weatherDays(ctx, clock, from, to),
    production: production.producing ? production.total : null,
    households,
    privacyK: settings.privacyK,
    hubWh: (settings.hubPowerW * (to - from)) / HOUR,
    hubPowerW: settings.hubPowerW,
  };
}

/** Hot days (a maximum at or over the heat threshold) and frosty days, from the public outdoor sensor. */
function weatherDays(ctx: HubContext, clock: LocalClock, from: number, to: number): MonthReport['weather'] {
  const settings = ctx.settings.get();
  const figures = togetherOf(ctx).figures;
  const sensor = settings.outdoorSensor ? figures.publicSeries(settings.outdoorSensor) : undefined;
  if (!sensor) return null;
  const place = ctx.store.registry.householdOfSensor(sensor.id)?.name ?? null;
  const hot = new Set<string>();
  const frost = new Set<string>();
  for (const h of figures.hours(sensor, from, to)) {
    const date = clock.local(h.t).date;
    if (h.max >= settings.heatDayC) hot.add(date);
    if (h.min <= settings.coldC) frost.add(date);
  }
  return {
    place,
    heatDayC: settings.heatDayC,
    coldC: settings.coldC,
    hotDays: [...hot].sort(),
    frostDays: [...frost].sort(),
  };
}
