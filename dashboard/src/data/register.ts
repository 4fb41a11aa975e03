import type { RegisterBody } from '../../../protocol/api.ts';
import { getJson } from './http.ts';

export async function fetchRegister(signal?: AbortSignal): Promise<RegisterBody> {
  return getJson<RegisterBody>('/api/register', signal);
}

/** The open-data export, streamed by the hub; only series shared at level `open` are in it. */
export const OPEN_DATA_CSV_URL = '/api/export?format=csv';
