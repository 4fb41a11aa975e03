import { z } from 'zod';
import { LocalDate } from './tariff.ts';

/**
 * Local production and shared self-consumption (docs/COLLECTIVE.md): neighbours sharing a local
 * installation, the French "autoconsommation collective". Production is what series of the
 * production quantities measure (`power_produced`: a clamp on an inverter's line; `energy_exported`:
 * a producer's meter, Linky EAIT or Tasmota ExportActive). Hour by hour, the energy used locally is
 * the smaller of production and consumption; `GET /api/production` answers `ProductionBody`.
 */

/** Shares of a span (a day, a month, an hour): every hour counted had both figures published. */
export const ProductionShares = z.object({
  consumedWh: z.number(),
  producedWh: z.number(),
  /** Σ min(production, consumption) over the hours counted */
  selfConsumedWh: z.number(),
  /** selfConsumedWh / consumedWh: the share of consumption covered locally (null: no consumption) */
  selfSufficiency: z.number().nullable(),
  /** selfConsumedWh / producedWh: the share of production used locally (null: no production) */
  selfConsumption: z.number().nullable(),
  /** hours counted */
  hours: z.number().int(),
  /** hours with production or consumption withheld by the privacy rule, left out */
  withheldHours: z.number().int(),
});
export type ProductionShares = z.infer<typeof ProductionShares>;

export const ProductionBucket = ProductionShares.extend({ t: z.number() });
export type ProductionBucket = z.infer<typeof ProductionBucket>;

export const ProductionBody = z.object({
  status: z.literal('ok'),
  timeZone: z.string(),
  /** `day`: hourly buckets of a local day; `month`: daily buckets of a local month */
  period: z.enum(['day', 'month']),
  /** the day (`YYYY-MM-DD`) or month (`YYYY-MM`) asked for */
  span: z.string(),
  from: z.number(),
  to: z.number(),
  /** false when no production series exists: nothing to show */
  producing: z.boolean(),
  total: ProductionShares,
  buckets: z.array(ProductionBucket),
});
export type ProductionBody = z.infer<typeof ProductionBody>;

export const ProductionParams = z.object({
  date: LocalDate.optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must read YYYY-MM')
    .optional(),
});
export type ProductionParams = z.infer<typeof ProductionParams>;
