import { QUANTITIES } from '../../../protocol/index.ts';
import { SIGNAL_WORDS, SignalWord } from '../../../protocol/signal.ts';
import type { HubContext } from '../context.ts';
import { addDays, LocalClock } from '../cost/local-time.ts';
import { publicSensor } from '../privacy.ts';
import { signalDate } from '../signal/local-hours.ts';
import { type SettingKey, type Settings, SettingsSchema } from '../store/settings.ts';
import { CONSOLE_SOURCE } from '../store/tariff-store.ts';
import { togetherOf } from '../together.ts';
import { audit, type Command, CommandError } from './command.ts';
import { parseNumber } from './format.ts';
import { parseDate } from './tariff-commands.ts';

/**
 * The neighbourhood signal on the console (docs/COLLECTIVE.md): what it says now, a grid-stress day
 * set by hand (a Tempo colour goes to the tariffs' Tempo days, so its cost follows; an EcoWatt level
 * and a note to the signal's own days), the shared outdoor sensor and the heat and cold thresholds.
 */

const NOTE_MAX = 140;

/** `today`, `tomorrow` (signal days: 06:00 to 06:00), or a date. */
function dayOf(ctx: HubContext, raw: string | undefined, usage: string): string {
  const clock = new LocalClock({ timeZone: ctx.settings.get().timeZone });
  const today = signalDate(clock, ctx.now());
  if (raw === 'today') return today;
  if (raw === 'tomorrow') return addDays(today, 1);
  return parseDate(raw, 'the day', usage);
}

export const signalShow: Command = {
  name: 'signal',
  usage: 'signal',
  summary: 'what the neighbourhood signal says now: the light, grid-stress days, heat or cold, the sun',
  summaryFr: 'ce que dit le signal du quartier : le voyant, les jours tendus, chaleur ou froid, le soleil',
  run(ctx, _args, io) {
    const s = togetherOf(ctx).signal.current();
    io.out(`light       ${s.light}${s.reasons.length > 0 ? ` (${s.reasons.join(', ')})` : ''}`);
    io.out(`            ${s.words.en}`);
    for (const [label, d] of [
      ['today', s.today],
      ['tomorrow', s.tomorrow],
    ] as const) {
      const bits = [
        d.tempo ? `Tempo ${d.tempo} (${d.tempoSource})` : 'Tempo not known',
        d.ecowatt ? `EcoWatt ${d.ecowatt}` : null,
        d.note ? `"${d.note}"` : null,
      ].filter(Boolean);
      io.out(`${label.padEnd(12)}${d.date}: ${bits.join(', ')}`);
    }
    const off = s.offPeak;
    io.out(
      `off-peak    ${off.windows.length === 0 ? 'none (single rate)' : `${off.windows.map((w) => `${w.from}-${w.to}`).join(', ')}; now ${off.now ? 'off-peak' : 'peak'}`}`,
    );
    const w = s.weather;
    io.out(
      w.sensor === null
        ? 'outdoor     no shared outdoor sensor: signal outdoor NODE/SENSOR'
        : `outdoor     ${w.sensor}: ${w.celsius === null ? 'silent' : `${w.celsius.toFixed(1)} °C, 24 h ${w.min24?.toFixed(1)}..${w.max24?.toFixed(1)} °C`}; alert ${w.alert ?? 'none'}`,
    );
    if (s.production)
      io.out(
        `production  ${Math.round(s.production.producedW)} W${s.production.share === null ? '' : `, ${Math.round(s.production.share * 100)} % of consumption`}`,
      );
    return 0;
  },
};

export const signalSet: Command = {
  name: 'signal set',
  usage: `signal set YYYY-MM-DD|today|tomorrow ${SIGNAL_WORDS.join('|')} ["note"]`,
  summary: 'a grid-stress day by hand: its Tempo colour or EcoWatt level, with a note residents see',
  summaryFr:
    'un jour tendu à la main : sa couleur Tempo ou son niveau EcoWatt, avec une note pour les habitants',
  run(ctx, { positionals }, io) {
    const [rawDay, rawWord, note, ...extra] = positionals;
    if (extra.length > 0) throw new CommandError(`put the note in quotes: "…" — usage: ${this.usage}`);
    const day = dayOf(ctx, rawDay, this.usage);
    const word = SignalWord.safeParse(rawWord);
    if (!word.success)
      throw new CommandError(
        `the level must be one of ${SIGNAL_WORDS.join(', ')}, got "${rawWord ?? ''}" — usage: ${this.usage}`,
      );
    if (note !== undefined && note.length > NOTE_MAX)
      throw new CommandError(`the note is ${note.length} characters long: ${NOTE_MAX} at most`);
    const now = ctx.now();
    const w = word.data;
    const kept = note === undefined ? {} : { note: note.trim() || null };
    if (w === 'ecowatt-orange' || w === 'ecowatt-red') {
      ctx.store.signalDays.set(day, { ecowatt: w === 'ecowatt-red' ? 'red' : 'orange', ...kept }, now);
    } else {
      ctx.store.tariffs.setTempoDay(day, w, CONSOLE_SOURCE, now);
      if (note !== undefined) ctx.store.signalDays.set(day, kept, now);
    }
    ctx.together?.signal.refresh();
    audit(ctx, io, `signal set ${day} ${w}${note ? ` "${note}"` : ''}`);
    io.out(`${day} (06:00 to 06:00 the next day): ${w}${note ? `, "${note.trim()}"` : ''}.`);
    return 0;
  },
};

export const signalClear: Command = {
  name: 'signal clear',
  usage: 'signal clear YYYY-MM-DD|today|tomorrow',
  summary: "forgets a day's EcoWatt level and note (a Tempo colour: tariff tempo-day DATE none)",
  summaryFr: 'oublie le niveau EcoWatt et la note d’un jour (une couleur Tempo : tariff tempo-day DATE none)',
  run(ctx, { positionals }, io) {
    const day = dayOf(ctx, positionals[0], this.usage);
    if (!ctx.store.signalDays.get(day))
      throw new CommandError(`nothing is set for ${day}: "signal" shows what is`);
    ctx.store.signalDays.set(day, { ecowatt: null, note: null }, ctx.now());
    ctx.together?.signal.refresh();
    audit(ctx, io, `signal clear ${day}`);
    io.out(`${day}: EcoWatt level and note forgotten.`);
    return 0;
  },
};

export const signalOutdoor: Command = {
  name: 'signal outdoor',
  usage: 'signal outdoor NODE/SENSOR|none',
  summary:
    "the shared outdoor temperature sensor the heat and cold alerts read (its place's sharing must be community or open)",
  summaryFr:
    'le capteur de température extérieur partagé que lisent les alertes chaleur et froid (son lieu doit être partagé)',
  run(ctx, { positionals }, io) {
    const name = positionals[0];
    if (name === 'none') {
      ctx.settings.set('outdoorSensor', '');
      audit(ctx, io, 'signal outdoor none');
      io.out('no outdoor sensor: the signal gives no heat or cold alert.');
      return 0;
    }
    const [node, sensorId, ...rest] = (name ?? '').split('/');
    const sensor = node && sensorId && rest.length === 0 ? ctx.registry.sensor(node, sensorId) : undefined;
    if (!sensor) throw new CommandError(`no sensor "${name ?? ''}": "node list" shows them as NODE/SENSOR`);
    if (sensor.quantity !== 'temperature')
      throw new CommandError(`"${name}" measures ${sensor.quantity}: the alerts need a temperature sensor`);
    if (!publicSensor(ctx.registry, sensor))
      throw new CommandError(
        `"${name}" belongs to a private household: the signal is public; share its place with "household sharing ID community"`,
      );
    ctx.settings.set('outdoorSensor', `${node}/${sensorId}`);
    ctx.together?.signal.refresh();
    audit(ctx, io, `signal outdoor ${node}/${sensorId}`);
    io.out(`heat and cold alerts read ${node}/${sensorId} (${QUANTITIES.temperature.unit}).`);
    return 0;
  },
};

export const signalThresholds: Command = {
  name: 'signal thresholds',
  usage: 'signal thresholds heat DAY_C NIGHT_C | cold COLD_C SEVERE_C EXTREME_C',
  summary: 'the heat and cold alert thresholds, °C (docs/COLLECTIVE.md gives the public-health references)',
  summaryFr:
    'les seuils des alertes chaleur et froid, en °C (docs/COLLECTIVE.md donne les références de santé publique)',
  run(ctx, { positionals }, io) {
    const [kind, ...values] = positionals;
    let patch: Partial<Settings>;
    if (kind === 'heat' && values.length === 2)
      patch = {
        heatDayC: parseNumber(values[0], 'the mean daily maximum (°C)'),
        heatNightC: parseNumber(values[1], 'the mean daily minimum (°C)'),
      };
    else if (kind === 'cold' && values.length === 3)
      patch = {
        coldC: parseNumber(values[0], 'the cold minimum (°C)'),
        severeColdC: parseNumber(values[1], 'the severe-cold minimum (°C)'),
        extremeColdC: parseNumber(values[2], 'the extreme-cold minimum (°C)'),
      };
    else throw new CommandError(`usage: ${this.usage}`);
    // every value checked before any is stored: a bad one changes nothing
    const checked = SettingsSchema.safeParse({ ...ctx.settings.get(), ...patch });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new CommandError(`"${issue?.path.join('.')}": ${issue?.message ?? 'invalid value'}`);
    }
    for (const key of Object.keys(patch) as SettingKey[]) ctx.settings.set(key, checked.data[key]);
    ctx.together?.signal.refresh();
    const t = ctx.settings.get();
    audit(ctx, io, `signal thresholds ${kind} ${values.join(' ')}`);
    io.out(
      `heat: 3-day means ≥ ${t.heatDayC} °C by day and ≥ ${t.heatNightC} °C by night; cold: below ${t.coldC} °C, severe ≤ ${t.severeColdC} °C, extreme ≤ ${t.extremeColdC} °C.`,
    );
    return 0;
  },
};

export const SIGNAL_COMMANDS: Command[] = [
  signalShow,
  signalSet,
  signalClear,
  signalOutdoor,
  signalThresholds,
];
