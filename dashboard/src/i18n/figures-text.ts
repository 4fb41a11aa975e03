import { formatEnergy } from '../format/format-energy.ts';
import { formatMass } from '../format/format-mass.ts';
import { formatMoney } from '../format/format-money.ts';
import { formatPercent } from '../format/format-percent.ts';
import type { Change } from '../model/change.ts';
import { getLocale, msg } from './localize.ts';

/**
 * The total of a period in one line: "Total: …" for a finished one, "Total so far: …" for the one
 * under way, and no figure at all before its first hour has ended (a total of 0 Wh just after
 * midnight would say the neighbourhood used nothing).
 */
export function totalText(
  f: { wh: number; cost: number; co2g?: number; hours: number },
  currency: string,
  partial: boolean,
): string {
  if (partial && f.hours === 0) return msg('history.noneYet');
  return msg(partial ? 'history.soFar' : 'history.total', { figures: figuresText(f, currency) });
}

/** Energy, money and CO2 of a span, as one line: "412 kWh · ≈ 98,20 € · ≈ 21 kg de CO₂". */
export function figuresText(f: { wh: number; cost: number; co2g?: number }, currency: string): string {
  const locale = getLocale();
  const energy = formatEnergy(f.wh, locale);
  const cost = formatMoney(f.cost, currency, locale);
  if (f.co2g === undefined) return msg('cost.figuresShort', { energy, cost });
  return msg('cost.figures', { energy, cost, co2: formatMass(f.co2g, locale) });
}

/** A comparison in words: "12 % more this time", or, for a home against others, "you used 12 % less". */
export function changeText(c: Change, who: 'now' | 'you' = 'now'): string {
  if (c.kind === 'same') return msg(who === 'you' ? 'compare.youSame' : 'compare.same');
  const percent = formatPercent(c.ratio, getLocale());
  if (who === 'you') return msg(c.kind === 'more' ? 'compare.youMore' : 'compare.youLess', { percent });
  return msg(c.kind === 'more' ? 'compare.more' : 'compare.less', { percent });
}
