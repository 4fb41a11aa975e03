import { z } from 'zod';
import { WithheldGaps } from './gaps.ts';

/**
 * Electricity tariffs as the admin sets them on the console (`tariff set …`) and the hub serves them
 * in /api/settings, and the cost of energy as /api/cost answers it. How each figure is computed is in
 * docs/MONEY.md. Prices are per kWh and per day in the hub's currency, taxes included, as on a bill.
 */

/** A calendar date in the hub's time zone: `2026-12-12`. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'write a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');
export type LocalDate = z.infer<typeof LocalDate>;

/** A time of day, `HH:MM`, 00:00 to 24:00. */
export const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'write a time of day as HH:MM (00:00 to 24:00)');

/**
 * One off-peak window, e.g. 22:00–06:00 (it may cross midnight). `months` limits it to part of the
 * year (inclusive, may wrap: [11, 3] is November to March), for the afternoon off-peak hours some
 * contracts have only in summer.
 */
export const OffPeakWindow = z.object({
  from: ClockTime,
  to: ClockTime,
  months: z.tuple([z.number().int().min(1).max(12), z.number().int().min(1).max(12)]).optional(),
});
export type OffPeakWindow = z.infer<typeof OffPeakWindow>;

const Price = z.number().nonnegative().max(100);

const dated = {
  /** the first day this tariff applies (from 00:00 in the hub's time zone) */
  from: LocalDate,
  /** the fixed charge per day (the subscription), whatever is used */
  dailyCharge: Price,
};

/** One price for every kWh ("Base" in France). */
export const SingleTariff = z.object({ model: z.literal('single'), ...dated, perKwh: Price });

/** Peak and off-peak hours ("Heures pleines / heures creuses"). */
export const PeakOffPeakTariff = z.object({
  model: z.literal('peak-offpeak'),
  ...dated,
  peak: Price,
  offPeak: Price,
  offPeakHours: z.array(OffPeakWindow).min(1).max(6),
});

export const TempoColour = z.enum(['blue', 'white', 'red']);
export type TempoColour = z.infer<typeof TempoColour>;

const PeakPair = z.object({ peak: Price, offPeak: Price });

/**
 * EDF's Tempo: each day is blue, white or red, announced the day before; a Tempo day runs from
 * 06:00 to 06:00 the next day, and its off-peak hours are 22:00–06:00.
 */
export const TempoTariff = z.object({
  model: z.literal('tempo'),
  ...dated,
  prices: z.object({ blue: PeakPair, white: PeakPair, red: PeakPair }),
});

export const Tariff = z.discriminatedUnion('model', [SingleTariff, PeakOffPeakTariff, TempoTariff]);
export type Tariff = z.infer<typeof Tariff>;

export const TariffModel = z.enum(['single', 'peak-offpeak', 'tempo']);
export type TariffModel = z.infer<typeof TariffModel>;

/** How `/api/cost` groups its figures: by hour, local day or local month, or totals only. */
export const CostBucket = z.enum(['hour', 'day', 'month', 'none']);
export type CostBucket = z.infer<typeof CostBucket>;

/** Money and CO2 of a span of energy. */
export const CostFigures = z.object({
  /** energy used, Wh */
  wh: z.number(),
  /** energy × the price of each hour */
  energyCost: z.number(),
  /** the daily charge, for the hours with data (× the homes counted) */
  standingCost: z.number(),
  /** energyCost + standingCost */
  cost: z.number(),
  /** grams of CO2 at the grid's emission factor */
  co2g: z.number(),
  /** hours with an energy reading */
  hours: z.number().int(),
});
export type CostFigures = z.infer<typeof CostFigures>;

/** `GET /api/cost`: what energy cost over a range, in total and by bucket (docs/API.md). */
export const CostBody = z.object({
  status: z.literal('ok'),
  /** `collective/energy`, `<node>/<sensor>`, or `household` (a private link's own meters) */
  series: z.string(),
  currency: z.string(),
  from: z.number(),
  to: z.number(),
  bucket: CostBucket,
  /** the time zone the buckets are local days and months of */
  timeZone: z.string(),
  /** homes whose daily charge is counted: 1, or the households of a collective figure */
  homes: z.number().int(),
  gco2PerKwh: z.number(),
  total: CostFigures,
  /** one entry per bucket with data; `t` is the bucket's start */
  buckets: z.object({
    t: z.array(z.number()),
    wh: z.array(z.number()),
    cost: z.array(z.number()),
    co2g: z.array(z.number()),
  }),
  /** Tempo days in the range whose colour is not known, counted as blue */
  assumedBlueDays: z.array(LocalDate),
  /** set when hours of the collective figure are withheld (docs/PRIVACY.md), in words */
  withheld: z.string().optional(),
  /** collective only: the withheld hours, as runs [from, to) with the reason, as in `SeriesBody.gaps` */
  gaps: WithheldGaps.optional(),
});
export type CostBody = z.infer<typeof CostBody>;
