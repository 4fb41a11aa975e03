import type { Bar } from '../components/communs-bar-chart.ts';
import { formatMoney } from '../format/format-money.ts';
import { formatSlot, formatSlotLong } from '../format/format-slot.ts';
import { type Period, periodSlots, slotOf } from './history-period.ts';

export interface EnergyBuckets {
  t: readonly number[];
  wh: readonly number[];
  cost: readonly number[];
}

/**
 * One bar per slot of a period (hours of a day, days of a week or month, months of a year), in kWh,
 * with its cost: a slot without data has no bar (not a zero), the slot under way is marked partial.
 * `buckets` are /api/cost's, whose starts are the browser's local slot starts.
 */
export function energyBars(
  p: Period,
  buckets: EnergyBuckets,
  currency: string,
  locale: string,
  now: number,
): Bar[] {
  const slot = slotOf(p.range);
  const slots = periodSlots(p);
  const index = new Map(buckets.t.map((t, i) => [t, i]));
  return slots.map((start, k) => {
    const i = index.get(start);
    const cost = i === undefined ? undefined : buckets.cost[i];
    return {
      label: formatSlot(start, slot, locale, p.range === 'week'),
      title: formatSlotLong(start, slot, locale),
      value: i === undefined ? null : (buckets.wh[i] ?? 0) / 1000,
      ...(cost === undefined ? {} : { note: `≈ ${formatMoney(cost, currency, locale)}` }),
      partial: start <= now && now < (slots[k + 1] ?? p.end),
    };
  });
}
