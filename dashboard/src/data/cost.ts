import type { CostBody, CostBucket } from '../../../protocol/tariff.ts';
import { apiPath, getJson } from './http.ts';

export type { CostBody };

export interface CostQuery {
  /** the neighbourhood's energy… */
  collective?: boolean;
  /** …or one energy series `<node>/<sensor>`… */
  sensor?: string;
  /** …or, alone, a household's own meters (its private link's token; also opens a private sensor) */
  token?: string;
  from: number;
  to: number;
  bucket: CostBucket;
}

/** What energy cost over a range; buckets are the browser's own local days and months. */
export async function fetchCost(q: CostQuery, signal?: AbortSignal): Promise<CostBody> {
  const path = apiPath('/api/cost', {
    quantity: q.collective ? 'energy' : undefined,
    sensor: q.collective ? undefined : q.sensor,
    token: q.token,
    from: Math.round(q.from),
    to: Math.round(q.to),
    bucket: q.bucket,
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  return getJson<CostBody>(path, signal);
}
