import type { SeriesBody } from '../../../protocol/api.ts';

/**
 * Whether a collective series is withheld as a whole. The hub also sets `withheld` when only some
 * buckets are left out (fewer than 3 households in them, docs/API.md): the others are still shown.
 */
export function isWithheld(body: Pick<SeriesBody, 'withheld' | 'points'>): boolean {
  return Boolean(body.withheld) && body.points.t.length === 0;
}
