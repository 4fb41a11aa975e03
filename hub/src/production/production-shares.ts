import type { ProductionShares } from '../../../protocol/production.ts';

/** One hour's figures as published: Wh, `null` when the privacy rule withheld it, absent when unknown. */
export interface HourFigures {
  t: number;
  consumedWh: number | null | undefined;
  producedWh: number | null | undefined;
}

/**
 * Self-sufficiency and self-consumption of a span, hour by hour (docs/COLLECTIVE.md):
 * - in each hour, the energy used locally is min(production, consumption): production beyond
 *   consumption leaves the neighbourhood, consumption beyond production comes from the grid;
 * - self-sufficiency = Σ used locally / Σ consumption (the share of consumption covered locally);
 * - self-consumption = Σ used locally / Σ production (the share of production used locally).
 * An hour counts when its consumption is published; an hour without a production figure counts as
 * no production. An hour with either figure withheld is left out of both sums (and counted apart),
 * so the two shares always come from the same hours.
 */
export function productionShares(hours: Iterable<HourFigures>): ProductionShares {
  let consumedWh = 0;
  let producedWh = 0;
  let selfConsumedWh = 0;
  let counted = 0;
  let withheldHours = 0;
  for (const h of hours) {
    if (h.consumedWh === null || h.producedWh === null) {
      withheldHours++;
      continue;
    }
    if (h.consumedWh === undefined) continue;
    const c = Math.max(0, h.consumedWh);
    const p = Math.max(0, h.producedWh ?? 0);
    consumedWh += c;
    producedWh += p;
    selfConsumedWh += Math.min(c, p);
    counted++;
  }
  return {
    consumedWh,
    producedWh,
    selfConsumedWh,
    selfSufficiency: consumedWh > 0 ? selfConsumedWh / consumedWh : null,
    selfConsumption: producedWh > 0 ? selfConsumedWh / producedWh : null,
    hours: counted,
    withheldHours,
  };
}
