import type { SeriesBody } from '../../../protocol/api.ts';

export type Gap = NonNullable<SeriesBody['gaps']>[number];

/**
 * Points with the withheld stretches of a collective figure drawn as breaks: a null at the start of
 * each gap, so the chart leaves it empty instead of joining its neighbours (a gap is never a zero).
 */
export function withGaps(
  t: readonly number[],
  value: readonly number[],
  gaps: readonly Gap[] | undefined,
): { t: number[]; value: (number | null)[] } {
  const out = { t: [...t], value: [...value] as (number | null)[] };
  if (!gaps || gaps.length === 0) return out;
  for (const g of gaps) {
    let i = out.t.findIndex((ts) => ts >= g.from);
    if (i < 0) i = out.t.length;
    if (out.t[i] === g.from) continue;
    out.t.splice(i, 0, g.from);
    out.value.splice(i, 0, null);
  }
  return out;
}

/** The distinct reasons of the gaps, in the order they first appear. */
export function gapReasons(gaps: readonly Gap[] | undefined): Gap['reason'][] {
  return [...new Set((gaps ?? []).map((g) => g.reason))];
}
