import { getJson } from './http.ts';

// The settings body lands in protocol/api.ts with the console issue; until then its shape is the one
// agreed for GET /api/settings, written here once and only here.
export interface SettingsBody {
  status: 'ok';
  neighbourhood: string;
  tariff: { perKwh: number; dailyCharge: number; currency: string };
  gridGco2PerKwh: number;
  hubPowerW: number;
}

export async function fetchSettings(signal?: AbortSignal): Promise<SettingsBody> {
  return getJson<SettingsBody>('/api/settings', signal);
}
