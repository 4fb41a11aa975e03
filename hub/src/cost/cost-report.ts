import type { WithheldGaps } from '../../../protocol/gaps.ts';
import type { CostBody, CostBucket, CostFigures } from '../../../protocol/tariff.ts';
import { describeGaps, type PrivacyPolicy } from '../privacy/aggregate-rule.ts';
import { pointsJson } from '../store/points-json.ts';
import type { SensorRow } from '../store/registry.ts';
import type { SeriesQuery } from '../store/series-query.ts';
import type { Settings } from '../store/settings.ts';
import type { TariffStore } from '../store/tariff-store.ts';
import { groupPriced, priceHours, sumPriced } from './cost.ts';
import { addDays, LocalClock } from './local-time.ts';

const HOUR = 3_600_000;

/** Whose energy: the neighbourhood's (the collective figures as published), or given series summed. */
export type CostSource =
  | { kind: 'collective'; policy: PrivacyPolicy }
  | {
      kind: 'series';
      name: string;
      sensors: readonly SensorRow[];
      /** a public series of a household is shown from when it shared (docs/PRIVACY.md) */
      notBefore?: number;
    };

export interface CostRequest {
  source: CostSource;
  from: number;
  to: number;
  bucket: CostBucket;
  /** the time zone of day and month buckets; the hub's own unless given (a browser's) */
  timeZone?: string;
}

export interface CostDeps {
  series: SeriesQuery;
  tariffs: TariffStore;
  settings: Settings;
  now: number;
}

/**
 * What energy cost over a range, read from hourly rollups and priced by `cost.ts`: the one entry
 * point for whatever shows money (the API's /api/cost, and later reports and challenges). The
 * collective energy is the hours the privacy rule published (docs/PRIVACY.md), as /api/series has
 * them: an hour withheld there is missing here (a day or a month costs its published hours), and the
 * answer says which and why.
 */
export function costReport(deps: CostDeps, req: CostRequest): CostBody {
  const { settings } = deps;
  const tariffClock = new LocalClock({ timeZone: settings.timeZone });
  const groupClock =
    req.timeZone && req.timeZone !== settings.timeZone
      ? new LocalClock({ timeZone: req.timeZone })
      : tariffClock;
  const energy = readEnergyHours(deps.series, req.source, req.from, req.to);
  const tariffs = deps.tariffs.inForce();
  const firstDay = addDays(tariffClock.local(req.from).date, -1);
  const lastDay = tariffClock.local(req.to).date;
  const colours = tariffs.some((t) => t.model === 'tempo')
    ? deps.tariffs.tempoColours(firstDay, lastDay)
    : new Map();
  const priced = priceHours(
    energy.t,
    energy.wh,
    { tariffs, clock: tariffClock, tempoColour: (d) => colours.get(d) },
    { homes: energy.homes, gco2PerKwh: settings.gridGco2PerKwh, until: Math.min(req.to, deps.now) },
  );
  const buckets = groupPriced(priced.hours, req.bucket, groupClock);
  const body: CostBody = {
    status: 'ok',
    series: req.source.kind === 'collective' ? 'collective/energy' : req.source.name,
    currency: settings.currency,
    from: req.from,
    to: req.to,
    bucket: req.bucket,
    timeZone: groupClock.timeZone,
    homes: energy.homes,
    gco2PerKwh: settings.gridGco2PerKwh,
    total: rounded(sumPriced(priced.hours)),
    buckets: {
      t: buckets.t,
      wh: buckets.wh.map(round),
      cost: buckets.cost.map(round),
      co2g: buckets.co2g.map(round),
    },
    assumedBlueDays: priced.assumedBlueDays,
  };
  if (energy.withheld) body.withheld = energy.withheld;
  if (energy.gaps) body.gaps = energy.gaps;
  return body;
}

interface EnergyHours {
  t: number[];
  wh: number[];
  homes: number;
  withheld?: string;
  gaps?: WithheldGaps;
}

function readEnergyHours(series: SeriesQuery, source: CostSource, from: number, to: number): EnergyHours {
  if (source.kind === 'collective') {
    // the hours as the privacy rule published them: a withheld one is missing, never a zero
    const r = series.collective('energy', from, to, 'hour', HOUR);
    const { t, value } = r.points;
    const out: EnergyHours = { t, wh: value, homes: t.length > 0 ? r.households : 0 };
    if (r.gaps.length > 0) {
      out.gaps = r.gaps;
      out.withheld = describeGaps(r.gaps, t.length, source.policy);
    }
    return out;
  }
  // several meters of one home add up hour by hour
  const byHour = new Map<number, number>();
  for (const sensor of source.sensors) {
    const r = series.series(sensor, from, to, 'hour', source.notBefore);
    const points = JSON.parse(pointsJson(r.points)) as { t: number[]; value: number[] };
    points.t.forEach((t, i) => {
      byHour.set(t, (byHour.get(t) ?? 0) + (points.value[i] ?? 0));
    });
  }
  const t = [...byHour.keys()].sort((a, b) => a - b);
  return { t, wh: t.map((h) => byHour.get(h) ?? 0), homes: 1 };
}

/** Figures to a millionth: no 0.30000000000000004 on the wire. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function rounded(f: CostFigures): CostFigures {
  return {
    wh: round(f.wh),
    energyCost: round(f.energyCost),
    standingCost: round(f.standingCost),
    cost: round(f.cost),
    co2g: round(f.co2g),
    hours: f.hours,
  };
}
