import type { HubContext } from '../context.ts';
import { isTimeZone } from '../cost/local-time.ts';
import { type SettingKey, type Settings, SettingsSchema } from '../store/settings.ts';
import { audit, type Command, CommandError } from './command.ts';
import { parseNumber } from './format.ts';

/**
 * The aggregate privacy rule may only be made stricter (docs/PRIVACY.md): residents are promised at
 * least what they were promised when they joined.
 */
function checkStricter(ctx: HubContext, patch: Partial<Settings>): void {
  const now = ctx.settings.get();
  if (patch.privacyK !== undefined && patch.privacyK < now.privacyK)
    throw new CommandError(`k may only be raised: it is ${now.privacyK}, got ${patch.privacyK}`);
  if (patch.privacyDominance !== undefined && patch.privacyDominance > now.privacyDominance)
    throw new CommandError(
      `the dominance share may only be lowered: it is ${Math.round(now.privacyDominance * 100)} %, got ${Math.round(patch.privacyDominance * 100)} %`,
    );
}

function setAll(ctx: HubContext, patch: Partial<Settings>): void {
  checkStricter(ctx, patch);
  if (patch.publicUrl && !/^https?:\/\/[^\s/]+$|^https?:\/\/[^\s/]+\/\S*$/.test(patch.publicUrl))
    throw new CommandError(
      `url must start with http:// or https:// and name the host, got "${patch.publicUrl}"`,
    );
  // validate every value before storing any: a bad value changes nothing
  const checked = SettingsSchema.safeParse({ ...ctx.settings.get(), ...patch });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new CommandError(`"${issue?.path.join('.')}": ${issue?.message ?? 'invalid value'}`);
  }
  for (const key of Object.keys(patch) as SettingKey[]) ctx.settings.set(key, checked.data[key]);
}

/** The keys a person types, the settings they set, and how to read the values. */
const KEYS: Record<string, { usage: string; parse: (v: string[]) => Partial<Settings> }> = {
  neighbourhood: {
    usage: 'settings set neighbourhood "NAME"',
    parse: ([name]) => ({ neighbourhood: (name ?? '').trim() }),
  },
  currency: { usage: 'settings set currency CODE', parse: ([c]) => ({ currency: (c ?? '').trim() }) },
  grid: {
    usage: 'settings set grid G_CO2_PER_KWH',
    parse: ([g]) => ({ gridGco2PerKwh: parseNumber(g, 'grid emission factor (g CO2/kWh)') }),
  },
  power: {
    usage: 'settings set power WATTS',
    parse: ([w]) => ({ hubPowerW: parseNumber(w, 'hub power budget (W)') }),
  },
  privacy: {
    usage: 'settings set privacy k N | settings set privacy dominance PERCENT',
    parse: ([which, v]) => {
      if (which === 'k') return { privacyK: parseNumber(v, 'k (households)') };
      if (which === 'dominance') return { privacyDominance: parseNumber(v, 'dominance (%)') / 100 };
      throw new CommandError(
        `privacy takes "k N" or "dominance PERCENT", got "${which ?? ''}" — usage: settings set privacy k 5`,
      );
    },
  },
  url: {
    usage: 'settings set url http://ADDRESS:PORT|none',
    parse: ([u]) => ({ publicUrl: u === 'none' ? '' : (u ?? '').replace(/\/+$/, '') }),
  },
  timezone: {
    usage: 'settings set timezone AREA/CITY',
    parse: ([tz]) => {
      const timeZone = (tz ?? '').trim();
      if (!isTimeZone(timeZone))
        throw new CommandError(
          `time zone "${timeZone}" is not known: use a name such as Europe/Paris ("timedatectl list-timezones" lists them)`,
        );
      return { timeZone };
    },
  },
};

export const settingsShow: Command = {
  name: 'settings',
  usage: 'settings',
  summary:
    'the settings the dashboard uses (neighbourhood, currency, grid factor, hub power, URL, time zone, privacy)',
  run(ctx, _args, io) {
    const s = ctx.settings.get();
    io.out(`neighbourhood  ${s.neighbourhood}`);
    io.out(`currency       ${s.currency} (the tariffs: "tariff")`);
    io.out(`grid           ${s.gridGco2PerKwh} g CO2/kWh`);
    io.out(`timezone       ${s.timeZone}`);
    io.out(`power          ${s.hubPowerW} W declared for the hub`);
    io.out(`url            ${s.publicUrl || `(not set: links use ${ctx.baseUrl()})`}`);
    io.out(
      `privacy        k = ${s.privacyK} private households, none above ${Math.round(s.privacyDominance * 100)} % (docs/PRIVACY.md)`,
    );
    io.out(`change one with: settings set ${Object.keys(KEYS).join('|')} VALUE...`);
    return 0;
  },
};

export const settingsSet: Command = {
  name: 'settings set',
  usage: `settings set ${Object.keys(KEYS).join('|')} VALUE...`,
  summary: 'change a setting the dashboard uses',
  run(ctx, { positionals }, io) {
    const [key, ...rest] = positionals;
    // the tariff moved to its own commands, with its date and model (docs/MONEY.md)
    if (key === 'tariff')
      throw new CommandError(
        'the tariff is set with "tariff set": e.g. tariff set single --price 0.2516 --daily 0.40',
      );
    const spec = key === undefined ? undefined : KEYS[key];
    if (!spec) throw new CommandError(`unknown setting "${key ?? ''}" — usage: ${this.usage}`);
    if (rest.length === 0) throw new CommandError(`missing the value — usage: ${spec.usage}`);
    const patch = spec.parse(rest);
    setAll(ctx, patch);
    const shown = Object.entries(patch)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    audit(ctx, io, `settings set ${shown}`);
    io.out(`set ${shown}.`);
    return 0;
  },
};
