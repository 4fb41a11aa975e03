import type { SettingsBody } from '../../../protocol/api.ts';
import { getJson } from './http.ts';

export type { SettingsBody };

export async function fetchSettings(signal?: AbortSignal): Promise<SettingsBody> {
  return getJson<SettingsBody>('/api/settings', signal);
}
