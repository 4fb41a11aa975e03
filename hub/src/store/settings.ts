import { z } from 'zod';
import { isTimeZone } from '../cost/local-time.ts';
import { hubTimeZone } from '../interop/device-time.ts';
import type { Db } from './db.ts';

/** Settings the admin sets on the console and the dashboard shows. Defaults make a first start work. */
export const SettingsSchema = z.object({
  neighbourhood: z.string().min(1).max(80).default('Communs'),
  /** the currency of the tariffs (`tariff set`, hub/src/store/tariff-store.ts) */
  currency: z.string().min(1).max(8).default('EUR'),
  /** grid emission factor, g CO2e per kWh (France, ADEME Base Empreinte 2023: ~52; docs/MONEY.md) */
  gridGco2PerKwh: z.number().nonnegative().max(2000).default(52),
  /** the time zone of tariff hours and dates, and of "today": the system's unless set */
  timeZone: z
    .string()
    .refine(isTimeZone, 'not a time zone this hub knows: use a name such as Europe/Paris')
    .default(hubTimeZone),
  /** the hub's declared electrical draw: a Raspberry Pi 4 idling with an SD card and a USB hub */
  hubPowerW: z.number().nonnegative().max(500).default(3.5),
  /** raw readings are kept this many days; rollups are kept */
  rawRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** the aggregate privacy rule (docs/PRIVACY.md): k may only be raised, the dominance share only lowered */
  privacyK: z.number().int().min(3).max(1000).default(3),
  privacyDominance: z.number().gt(0).max(0.5).default(0.5),
  /** the base URL printed in private links (the admin sets the LAN address) */
  publicUrl: z.string().max(200).default(''),
  /** the shared outdoor temperature sensor of the signal's heat and cold alerts, `<node>/<sensor>` ('' : none) */
  outdoorSensor: z.string().max(130).default(''),
  /**
   * heat: the mean of the last three days' maxima and minima at or above these, °C (Santé publique
   * France's heat-health thresholds, here the Rhône's: docs/COLLECTIVE.md)
   */
  heatDayC: z.number().min(10).max(60).default(34),
  heatNightC: z.number().min(0).max(40).default(20),
  /** cold: the last 24 hours' minimum below these, °C (France's cold-wave levels: docs/COLLECTIVE.md) */
  coldC: z.number().min(-30).max(10).default(0),
  severeColdC: z.number().min(-40).max(0).default(-5),
  extremeColdC: z.number().min(-50).max(0).default(-10),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

export class SettingsStore {
  private readonly db: Db;
  private current: Settings;

  constructor(opts: { db: Db }) {
    this.db = opts.db;
    this.current = SettingsSchema.parse({});
  }

  load(): Settings {
    const raw: Record<string, unknown> = {};
    for (const row of this.db.prepare('SELECT key, value FROM settings').all() as {
      key: string;
      value: string;
    }[]) {
      try {
        raw[row.key] = JSON.parse(row.value);
      } catch {
        // a value edited by hand into something unreadable falls back to its default
      }
    }
    const parsed = SettingsSchema.safeParse(raw);
    this.current = parsed.success ? parsed.data : SettingsSchema.parse({});
    return this.current;
  }

  get(): Settings {
    return this.current;
  }

  /** Validates and stores one setting; throws a readable error naming the setting. */
  set<K extends SettingKey>(key: K, value: Settings[K]): Settings {
    const next = SettingsSchema.safeParse({ ...this.current, [key]: value });
    if (!next.success) {
      throw new Error(`"${key}": ${next.error.issues[0]?.message ?? 'invalid value'}`);
    }
    this.mark(key, JSON.stringify(next.data[key]));
    this.current = next.data;
    return this.current;
  }

  /** A marker the hub keeps for itself in the same table (not a setting: the schema ignores it). */
  marker(key: string): string | undefined {
    return (
      (this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ??
      undefined
    );
  }

  mark(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }
}
