import { LocalDate, OffPeakWindow, type Tariff, TariffModel, TempoColour } from '../../../protocol/tariff.ts';
import type { HubContext } from '../context.ts';
import { constantLoadPrice, tariffOnDate } from '../cost/cost.ts';
import { addDays, LocalClock } from '../cost/local-time.ts';
import { CONSOLE_SOURCE, DEFAULT_TARIFF } from '../store/tariff-store.ts';
import { audit, type Command, CommandError, type CommandOptions, type ParsedCommand } from './command.ts';
import { parseNumber } from './format.ts';

/**
 * Tariffs on the console: each with the date it applies from, so a new price leaves older figures
 * at their old one (docs/MONEY.md). `tariff set` takes the model and named prices; a Tempo day's
 * colour is set per date (devices that read it from the meter use the same store).
 */

const MODEL_WORDS: Record<string, Tariff['model']> = {
  single: 'single',
  base: 'single',
  hphc: 'peak-offpeak',
  'peak-offpeak': 'peak-offpeak',
  tempo: 'tempo',
};

const PRICE_OPTIONS = ['price', 'hp', 'hc', 'blue-hp', 'blue-hc', 'white-hp', 'white-hc', 'red-hp', 'red-hc'];

const OPTIONS_OF: Record<Tariff['model'], string[]> = {
  single: ['price'],
  'peak-offpeak': ['hp', 'hc', 'hours'],
  tempo: ['blue-hp', 'blue-hc', 'white-hp', 'white-hc', 'red-hp', 'red-hc'],
};

const SET_USAGE =
  'tariff set single --price P | hphc --hp P --hc P --hours HH:MM-HH:MM[,…] | tempo --blue-hp P --blue-hc P --white-hp P --white-hc P --red-hp P --red-hc P; then --daily D [--from YYYY-MM-DD]';

function today(ctx: HubContext): string {
  return new LocalClock({ timeZone: ctx.settings.get().timeZone }).local(ctx.now()).date;
}

export function parseDate(raw: string | undefined, what: string, usage: string): string {
  const parsed = LocalDate.safeParse(raw);
  if (!parsed.success)
    throw new CommandError(`${what} must be a date YYYY-MM-DD, got "${raw ?? ''}" — usage: ${usage}`);
  return parsed.data;
}

/** `22:00-06:00,12:30-14:00@4-10`: off-peak windows, each optionally limited to months (April to October). */
export function parseHours(raw: string | undefined): OffPeakWindow[] {
  if (!raw)
    throw new CommandError(
      'peak/off-peak needs --hours, e.g. --hours 22:00-06:00 or 23:00-07:00,12:00-14:00',
    );
  return raw.split(',').map((part) => {
    const m = /^\s*(\d\d:\d\d)-(\d\d:\d\d)(?:@(\d{1,2})-(\d{1,2}))?\s*$/.exec(part);
    const window = m
      ? OffPeakWindow.safeParse({
          from: m[1],
          to: m[2],
          ...(m[3] ? { months: [Number(m[3]), Number(m[4])] } : {}),
        })
      : undefined;
    if (!window?.success || window.data.from === window.data.to)
      throw new CommandError(
        `off-peak hours must read HH:MM-HH:MM (optionally @M-M for months), got "${part.trim()}"`,
      );
    return window.data;
  });
}

function price(values: ParsedCommand['values'], name: string): number {
  const n = parseNumber(values[name] as string | undefined, `--${name}`);
  if (n < 0 || n > 100) throw new CommandError(`--${name} must be between 0 and 100 per kWh, got ${n}`);
  return n;
}

function tariffFrom(model: Tariff['model'], values: ParsedCommand['values'], from: string): Tariff {
  for (const name of [...PRICE_OPTIONS, 'hours']) {
    if (values[name] !== undefined && !OPTIONS_OF[model].includes(name))
      throw new CommandError(`--${name} does not apply to a ${model} tariff — usage: ${SET_USAGE}`);
  }
  if (values.daily === undefined)
    throw new CommandError(`missing --daily (the fixed charge per day) — usage: ${SET_USAGE}`);
  const dailyCharge = parseNumber(values.daily as string, '--daily');
  if (dailyCharge < 0 || dailyCharge > 100)
    throw new CommandError(`--daily must be between 0 and 100 per day, got ${dailyCharge}`);
  switch (model) {
    case 'single':
      return { model, from, dailyCharge, perKwh: price(values, 'price') };
    case 'peak-offpeak':
      return {
        model,
        from,
        dailyCharge,
        peak: price(values, 'hp'),
        offPeak: price(values, 'hc'),
        offPeakHours: parseHours(values.hours as string | undefined),
      };
    case 'tempo':
      return {
        model,
        from,
        dailyCharge,
        prices: {
          blue: { peak: price(values, 'blue-hp'), offPeak: price(values, 'blue-hc') },
          white: { peak: price(values, 'white-hp'), offPeak: price(values, 'white-hc') },
          red: { peak: price(values, 'red-hp'), offPeak: price(values, 'red-hc') },
        },
      };
  }
}

/** One line per tariff, plain ASCII for a serial terminal. */
export function describeTariff(t: Tariff, currency: string): string {
  const p = (x: number) => x.toFixed(4);
  const daily = `+ ${p(t.dailyCharge)} ${currency}/day`;
  switch (t.model) {
    case 'single':
      return `single rate ${p(t.perKwh)} ${currency}/kWh ${daily}`;
    case 'peak-offpeak': {
      const hours = t.offPeakHours
        .map((w) => `${w.from}-${w.to}${w.months ? ` (months ${w.months[0]}-${w.months[1]})` : ''}`)
        .join(', ');
      return `peak ${p(t.peak)} / off-peak ${p(t.offPeak)} ${currency}/kWh, off-peak ${hours} ${daily}`;
    }
    case 'tempo': {
      const c = (k: 'blue' | 'white' | 'red') => `${k} ${p(t.prices[k].peak)}/${p(t.prices[k].offPeak)}`;
      return `Tempo (peak/off-peak ${currency}/kWh) ${c('blue')}, ${c('white')}, ${c('red')} ${daily}`;
    }
  }
}

export const tariffShow: Command = {
  name: 'tariff',
  usage: 'tariff',
  summary: 'the tariffs, each from its date, and the Tempo colours of today and tomorrow',
  summaryFr: 'les tarifs, chacun à partir de sa date, et la couleur Tempo du jour et du lendemain',
  run(ctx, _args, io) {
    const s = ctx.settings.get();
    const set = ctx.store.tariffs.list();
    const day = today(ctx);
    const list = set.length > 0 ? set : [DEFAULT_TARIFF];
    const current = tariffOnDate(list, day);
    if (set.length === 0) io.out('no tariff set: costs use the default until one is set');
    io.out(`tariffs (${s.currency}, days and hours in ${s.timeZone}):`);
    for (const t of list) {
      const since = t.from === '1970-01-01' ? 'always    ' : `${t.from}`;
      io.out(`  ${t === current ? '*' : ' '} ${since}  ${describeTariff(t, s.currency)}`);
    }
    io.out(
      `  * in force today; a constant load pays ${constantLoadPrice(current).toFixed(4)} ${s.currency}/kWh on average`,
    );
    if (list.some((t) => t.model === 'tempo')) {
      const colour = (d: string) => {
        const c = ctx.store.tariffs.tempoDay(d);
        return c ? `${c.colour} (${c.source})` : 'not known (counted blue)';
      };
      io.out(`Tempo: today ${day} ${colour(day)}; tomorrow ${addDays(day, 1)} ${colour(addDays(day, 1))}`);
    }
    io.out(`CO2: ${s.gridGco2PerKwh} g/kWh ("settings set grid G" changes it)`);
    io.out('change with: tariff set, tariff remove DATE, tariff tempo-day DATE COLOUR ("help tariff set")');
    return 0;
  },
};

const setOptions: CommandOptions = Object.fromEntries(
  [...PRICE_OPTIONS, 'hours', 'daily', 'from'].map((o) => [o, { type: 'string' as const }]),
);

export const tariffSet: Command = {
  name: 'tariff set',
  usage: SET_USAGE,
  summary: 'set a tariff from a date (today unless --from): single rate, peak/off-peak (HP/HC) or Tempo',
  summaryFr:
    'fixe un tarif à partir d’une date (aujourd’hui sans --from) : base, heures pleines/creuses (HP/HC) ou Tempo',
  options: setOptions,
  run(ctx, { positionals, values }, io) {
    const word = positionals[0];
    const model = word === undefined ? undefined : MODEL_WORDS[word];
    if (!model || !TariffModel.safeParse(model).success)
      throw new CommandError(
        `the tariff must be single, hphc or tempo, got "${word ?? ''}" — usage: ${this.usage}`,
      );
    if (positionals.length > 1)
      throw new CommandError(
        `unexpected "${positionals[1]}": prices are named, e.g. --price 0.2516 — usage: ${this.usage}`,
      );
    const from =
      values.from === undefined ? today(ctx) : parseDate(values.from as string, '--from', this.usage);
    const tariff = tariffFrom(model, values, from);
    const done = ctx.store.tariffs.put(tariff, ctx.now());
    const currency = ctx.settings.get().currency;
    audit(ctx, io, `tariff set from ${from}: ${describeTariff(tariff, currency)}`);
    io.out(
      `tariff ${done === 'added' ? 'set' : 'replaced'} from ${from}: ${describeTariff(tariff, currency)}.`,
    );
    io.out('Figures before that date keep the earlier tariff.');
    return 0;
  },
};

export const tariffRemove: Command = {
  name: 'tariff remove',
  usage: 'tariff remove YYYY-MM-DD',
  summary: 'remove the tariff that starts on a date (the one before it applies again)',
  summaryFr: 'retire le tarif qui commence à une date (le précédent s’applique de nouveau)',
  run(ctx, { positionals }, io) {
    const from = parseDate(positionals[0], 'the date', this.usage);
    if (!ctx.store.tariffs.remove(from))
      throw new CommandError(`no tariff starts on ${from}: "tariff" lists them`);
    audit(ctx, io, `tariff remove ${from}`);
    io.out(`tariff from ${from} removed.`);
    return 0;
  },
};

export const tariffTempoDay: Command = {
  name: 'tariff tempo-day',
  usage: 'tariff tempo-day YYYY-MM-DD[..YYYY-MM-DD] blue|white|red|none',
  summary: 'the colour of a Tempo day (06:00 to 06:00 the next day), or of each day of a span',
  summaryFr: 'la couleur d’un jour Tempo (de 6 h à 6 h le lendemain), ou de chaque jour d’une période',
  run(ctx, { positionals }, io) {
    const [span, word] = positionals;
    const [first, last = first] = (span ?? '').split('..');
    const a = parseDate(first, 'the day', this.usage);
    const b = parseDate(last, 'the last day', this.usage);
    if (b < a) throw new CommandError(`the span ends before it starts: ${a}..${b}`);
    const colour = word === 'none' ? null : TempoColour.safeParse(word).data;
    if (colour === undefined)
      throw new CommandError(
        `the colour must be blue, white, red or none, got "${word ?? ''}" — usage: ${this.usage}`,
      );
    const days: string[] = [];
    for (let d = a; d <= b && days.length <= 366; d = addDays(d, 1)) days.push(d);
    if (days.length > 366) throw new CommandError('at most 366 days at once');
    for (const d of days) ctx.store.tariffs.setTempoDay(d, colour, CONSOLE_SOURCE, ctx.now());
    const what = a === b ? a : `${a}..${b} (${days.length} days)`;
    audit(ctx, io, `tariff tempo-day ${what} ${word}`);
    io.out(
      colour === null ? `Tempo colour of ${what} forgotten (counted blue).` : `Tempo ${what}: ${colour}.`,
    );
    return 0;
  },
};

export const tariffTempoDays: Command = {
  name: 'tariff tempo-days',
  usage: 'tariff tempo-days [YYYY-MM]',
  summary: 'the Tempo colours known for a month (this month unless given), and who said so',
  summaryFr: 'les couleurs Tempo connues d’un mois (le mois en cours sans argument), et leur source',
  run(ctx, { positionals }, io) {
    const month = positionals[0] ?? today(ctx).slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw new CommandError(`the month must read YYYY-MM, got "${month}" — usage: ${this.usage}`);
    const first = `${month}-01`;
    const days: string[] = [];
    for (let d = first; d.startsWith(month); d = addDays(d, 1)) days.push(d);
    const counts = { blue: 0, white: 0, red: 0, unknown: 0 };
    for (const d of days) {
      const c = ctx.store.tariffs.tempoDay(d);
      counts[c?.colour ?? 'unknown']++;
      if (c) io.out(`  ${d}  ${c.colour.padEnd(5)}  ${c.source}`);
    }
    io.out(
      `${month}: ${counts.blue} blue, ${counts.white} white, ${counts.red} red, ${counts.unknown} not known (counted blue)`,
    );
    return 0;
  },
};

export const TARIFF_COMMANDS: Command[] = [
  tariffShow,
  tariffSet,
  tariffRemove,
  tariffTempoDay,
  tariffTempoDays,
];
