import type { HouseholdKind, NodeInfo, SharingLevel } from '../../../protocol/api.ts';
import { apiPath, getJson } from './http.ts';

// The household body lands in protocol/api.ts with the console issue; until then its agreed shape
// for GET /api/household?token=… is written here once and only here.
export interface HouseholdBody {
  status: 'ok';
  household: { id: string; name: string; kind: HouseholdKind; sharing: SharingLevel };
  nodes: NodeInfo[];
}

/** A household's private detail; the hub answers 404 for an unknown or revoked token. */
export async function fetchHousehold(token: string, signal?: AbortSignal): Promise<HouseholdBody> {
  return getJson<HouseholdBody>(apiPath('/api/household', { token }), signal);
}
