import type { ChallengeView } from '../../../protocol/challenge.ts';
import type { ProductionShares } from '../../../protocol/production.ts';
import type { CostFigures } from '../../../protocol/tariff.ts';
import type { HubContext } from '../context.ts';
import { costReport } from '../cost/cost-report.ts';
import { addDays, addMonths, LocalClock } from '../cost/local-time.ts';
import { policyOf } from '../privacy/collective-publisher.ts';
import type { SensorRow } from '../store/registry.ts';
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
  /** days a shared place's air was poor, from public PM2.5 and CO2 series only (none: no such series) */
  air: {
    pm25DayLimit: number;
    co2HourLimit: number;
    days: PoorAirDay[];
  } | null;
  production: ProductionShares | null;
  /** the most households a published hour of the month counted */
  households: number | null;
  privacyK: number;
  /** the hub's own electricity over the month (its declared power × the month's hours) */
  hubWh: number;
  hubPowerW: number;
}

/** One shared place's poor-air day: its PM2.5 daily mean, or its highest hourly CO2 mean. */
export interface PoorAirDay {
  date: string;
  place: string;
  reason: 'pm25' | 'co2';
  value: number;
}

/** WHO global air quality guidelines (2021): PM2.5 24-hour mean, µg/m³. */
export const PM25_DAY_LIMIT = 15;
/**
 * CO2 hourly mean, ppm: the UK's Building Bulletin 101 (2018) limit for a naturally ventilated
 * classroom's mean over the occupied day, here held to an hour's mean (docs/COLLECTIVE.md).
 */
export const CO2_HOUR_LIMIT = 1500;
/** A PM2.5 daily mean needs readings in this many of the day's hours (as the heat rule's day window). */
const HOURS_FOR_A_DAY = 12;

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
    air: poorAirDays(ctx, clock, from, to),
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

/**
 * The days a shared place's air was poor: its PM2.5 daily mean (of hourly means, over at least
 * 12 hours) above 15 µg/m³, or an hourly CO2 mean above 1,500 ppm. Only series whose household is
 * public (community or open) are read, through the published figures; a private home's never.
 */
function poorAirDays(ctx: HubContext, clock: LocalClock, from: number, to: number): MonthReport['air'] {
  const figures = togetherOf(ctx).figures;
  const pm25 = figures.publicSeriesOf('pm25');
  const co2 = figures.publicSeriesOf('co2');
  if (pm25.length === 0 && co2.length === 0) return null;
  const worst = new Map<string, PoorAirDay>();
  const note = (d: PoorAirDay) => {
    const key = `${d.date}\u0000${d.place}\u0000${d.reason}`;
    if ((worst.get(key)?.value ?? -Infinity) < d.value) worst.set(key, d);
  };
  const placeOf = (s: SensorRow) => ctx.store.registry.householdOfSensor(s.id)?.name ?? s.node_id;
  for (const sensor of pm25) {
    const byDay = new Map<string, { sum: number; n: number }>();
    for (const h of figures.hours(sensor, from, to)) {
      const date = clock.local(h.t).date;
      const d = byDay.get(date) ?? { sum: 0, n: 0 };
      d.sum += h.mean;
      d.n += 1;
      byDay.set(date, d);
    }
    for (const [date, d] of byDay) {
      const mean = d.sum / d.n;
      if (d.n >= HOURS_FOR_A_DAY && mean > PM25_DAY_LIMIT)
        note({ date, place: placeOf(sensor), reason: 'pm25', value: mean });
    }
  }
  for (const sensor of co2)
    for (const h of figures.hours(sensor, from, to))
      if (h.mean > CO2_HOUR_LIMIT)
        note({ date: clock.local(h.t).date, place: placeOf(sensor), reason: 'co2', value: h.mean });
  const days = [...worst.values()].sort(
    (a, b) =>
      a.date.localeCompare(b.date) || a.place.localeCompare(b.place) || a.reason.localeCompare(b.reason),
  );
  return { pm25DayLimit: PM25_DAY_LIMIT, co2HourLimit: CO2_HOUR_LIMIT, days };
}
