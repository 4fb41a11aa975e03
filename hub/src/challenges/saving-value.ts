import { priceHours } from '../cost/cost.ts';
import { LocalClock } from '../cost/local-time.ts';
import type { Settings } from '../store/settings.ts';
import type { TariffStore } from '../store/tariff-store.ts';
import type { EnergyValue } from './challenge-figures.ts';

/**
 * The € and CO2 of energy saved (or used), from the money module (docs/MONEY.md): each hour at the
 * price of its tariff, Tempo colour and peak or off-peak period, with no daily charge (a saving
 * does not change the subscription), and CO2 at the grid's emission factor.
 */
export function savingValue(tariffs: TariffStore, settings: Settings, now: number): EnergyValue {
  return {
    value(hours) {
      const book = tariffs.inForce();
      const clock = new LocalClock({ timeZone: settings.timeZone });
      const priced = priceHours(
        hours.map((h) => h.t),
        hours.map((h) => h.wh),
        {
          tariffs: book,
          clock,
          tempoColour: (day) => tariffs.tempoDay(day)?.colour,
        },
        { homes: 0, gco2PerKwh: settings.gridGco2PerKwh, until: now },
      );
      let cost = 0;
      let co2g = 0;
      for (const h of priced.hours) {
        cost += h.energyCost;
        co2g += h.co2g;
      }
      return { cost, co2g, currency: settings.currency };
    },
  };
}
