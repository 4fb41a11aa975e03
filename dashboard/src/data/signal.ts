import type { SignalBody } from '../../../protocol/signal.ts';
import { getJson } from './http.ts';

export type { SignalBody };

/** The neighbourhood signal now: the light, why, tomorrow, heat or cold, the sun (docs/API.md). */
export async function fetchSignal(signal?: AbortSignal): Promise<SignalBody> {
  return getJson<SignalBody>('/api/signal', signal);
}
