import type { Quantity } from '../../../protocol/index.ts';
import type { ProductionBody, ProductionBucket } from '../../../protocol/production.ts';
import type { SignalProduction } from '../../../protocol/signal.ts';
import { addDays, addMonths, type LocalClock } from '../cost/local-time.ts';
import type { PublishedFigures } from '../published-figures.ts';
import { type HourFigures, productionShares } from './production-shares.ts';

const HOUR = 3_600_000;

/**
 * What production is measured as: power on an installation's output (a clamp), energy a producer's
 * meter sends to the grid (Tasmota ExportActive, a Linky's EAIT).
 */
export const PRODUCTION_QUANTITIES: readonly Quantity[] = ['power_produced', 'energy_exported'];

/** The production quantities some series measures here. */
export function producedQuantities(figures: PublishedFigures): Quantity[] {
  const measured = figures.measured();
  return [...measured].filter((q) => PRODUCTION_QUANTITIES.includes(q));
}

/**
 * Published consumption (`energy`, hourly) and production (each production quantity's hourly
 * figure: a counter's energy, a gauge's mean power × 1 h) for the hours in [from, to).
 */
export function hourlyFigures(figures: PublishedFigures, from: number, to: number): HourFigures[] {
  const byHour = new Map<number, HourFigures>();
  const at = (t: number) => {
    let h = byHour.get(t);
    if (!h) {
      h = { t, consumedWh: undefined, producedWh: undefined };
      byHour.set(t, h);
    }
    return h;
  };
  for (const b of figures.buckets('energy', 'hour', from, to)) at(b.start).consumedWh = b.value;
  // a counter's hourly figure is the energy of the hour; a gauge's is its mean power, and a mean
  // of W over one hour is that many Wh: both add up as they are
  for (const q of producedQuantities(figures)) {
    for (const b of figures.buckets(q, 'hour', from, to)) {
      const h = at(b.start);
      if (h.producedWh === null) continue;
      h.producedWh = b.value === null ? null : (h.producedWh ?? 0) + b.value;
    }
  }
  return [...byHour.values()].sort((a, b) => a.t - b.t);
}

/** `GET /api/production?date=YYYY-MM-DD`: the hours of a local day; `?month=YYYY-MM`: its days. */
export function productionReport(
  figures: PublishedFigures,
  clock: LocalClock,
  span: { date: string } | { month: string },
): ProductionBody {
  const producing = producedQuantities(figures).length > 0;
  if ('date' in span) {
    const from = clock.startOfDay(span.date);
    const to = clock.startOfDay(addDays(span.date, 1));
    const hours = hourlyFigures(figures, from, to);
    const buckets: ProductionBucket[] = hours.map((h) => ({ t: h.t, ...productionShares([h]) }));
    return body('day', span.date, from, to, producing, productionShares(hours), buckets, clock);
  }
  const first = `${span.month}-01`;
  const from = clock.startOfDay(first);
  const to = clock.startOfDay(addMonths(first, 1));
  const hours = hourlyFigures(figures, from, to);
  const buckets: ProductionBucket[] = [];
  for (let d = first; d < addMonths(first, 1); d = addDays(d, 1)) {
    const a = clock.startOfDay(d);
    const b = clock.startOfDay(addDays(d, 1));
    const inDay = hours.filter((h) => h.t >= a && h.t < b);
    if (inDay.length > 0) buckets.push({ t: a, ...productionShares(inDay) });
  }
  return body('month', span.month, from, to, producing, productionShares(hours), buckets, clock);
}

function body(
  period: 'day' | 'month',
  span: string,
  from: number,
  to: number,
  producing: boolean,
  total: ProductionBody['total'],
  buckets: ProductionBucket[],
  clock: LocalClock,
): ProductionBody {
  return { status: 'ok', timeZone: clock.timeZone, period, span, from, to, producing, total, buckets };
}

/**
 * Production against consumption now: the newest published minute of production power and of the
 * neighbourhood's power; without a production gauge, the last published hour of production energy
 * against the hour's consumption. Null when nothing is produced here or nothing recent is published.
 */
export function productionNow(figures: PublishedFigures, now: number): SignalProduction | null {
  const quantities = producedQuantities(figures);
  if (quantities.length === 0) return null;
  const produced = figures.live('power_produced');
  if (produced) {
    const consumed = figures.live('power');
    return {
      producedW: produced.value,
      consumedW: consumed?.value ?? null,
      share: consumed && consumed.value > 0 ? Math.min(1, produced.value / consumed.value) : null,
      ts: produced.ts,
    };
  }
  const hour = Math.floor(now / HOUR) * HOUR - HOUR;
  const last = hourlyFigures(figures, hour, hour + HOUR)[0];
  if (!last || last.producedWh == null) return null;
  const consumed = last.consumedWh ?? null;
  return {
    producedW: last.producedWh,
    consumedW: consumed,
    share: consumed !== null && consumed > 0 ? Math.min(1, last.producedWh / consumed) : null,
    ts: hour,
  };
}
