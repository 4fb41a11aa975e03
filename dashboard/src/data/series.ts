import type { SeriesBody, SeriesStep } from '../../../protocol/api.ts';
import { apiPath, getJson } from './http.ts';

export interface SeriesQuery {
  /** one series `<node>/<sensor>`, or… */
  sensor?: string;
  /** …the collective aggregate of a quantity */
  quantity?: string;
  from: number;
  to: number;
  step?: SeriesStep | 'auto';
  /** a household's capability token, for its private series */
  token?: string;
}

export async function fetchSeries(q: SeriesQuery, signal?: AbortSignal): Promise<SeriesBody> {
  const path = apiPath('/api/series', {
    sensor: q.sensor,
    quantity: q.sensor ? undefined : q.quantity,
    from: Math.round(q.from),
    to: Math.round(q.to),
    step: q.step,
    token: q.token,
  });
  return getJson<SeriesBody>(path, signal);
}
