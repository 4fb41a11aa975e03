import type { ProductionBody } from '../../../protocol/production.ts';
import { apiPath, getJson } from './http.ts';

export type { ProductionBody };

/**
 * Local production against consumption, with both shares: the hours of a day or the days of a
 * month, in the hub's own time zone (docs/API.md). Neither `date` nor `month`: the hub's today.
 */
export async function fetchProduction(
  q: { date?: string; month?: string },
  signal?: AbortSignal,
): Promise<ProductionBody> {
  return getJson<ProductionBody>(apiPath('/api/production', q), signal);
}
