import type { HealthBody } from '../../../protocol/api.ts';
import { getJson } from './http.ts';

export async function fetchHealth(signal?: AbortSignal): Promise<HealthBody> {
  return getJson<HealthBody>('/api/health', signal);
}
