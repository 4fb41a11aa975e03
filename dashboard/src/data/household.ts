import type { HouseholdBody } from '../../../protocol/api.ts';
import { apiPath, getJson } from './http.ts';

export type { HouseholdBody };

/** A household's private detail; the hub answers 404 for an unknown or revoked token. */
export async function fetchHousehold(token: string, signal?: AbortSignal): Promise<HouseholdBody> {
  return getJson<HouseholdBody>(apiPath('/api/household', { token }), signal);
}
