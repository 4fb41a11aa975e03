import { z } from 'zod';
import { LocalDate, OffPeakWindow, TempoColour } from './tariff.ts';

/**
 * The neighbourhood signal (docs/COLLECTIVE.md): one light the shared screen, the Now view, Home
 * Assistant and any MQTT client read, made only of what the hub knows locally — the grid-stress day
 * (Tempo colour from a meter's TIC or the console, EcoWatt days set on the console), the tariff's
 * peak and off-peak hours, heat and cold from a shared outdoor sensor, and local production.
 * `GET /api/signal` answers `SignalBody`; `communs/v1/public/signal` carries `SignalMessage`
 * (retained).
 */

/** What `signal set DATE WORD` accepts: a Tempo colour, or an EcoWatt alert level. */
export const SIGNAL_WORDS = ['blue', 'white', 'red', 'ecowatt-orange', 'ecowatt-red'] as const;
export const SignalWord = z.enum(SIGNAL_WORDS);
export type SignalWord = z.infer<typeof SignalWord>;

/** RTE's EcoWatt alert levels (green days are not recorded: they are the default). */
export const EcowattLevel = z.enum(['orange', 'red']);
export type EcowattLevel = z.infer<typeof EcowattLevel>;

/**
 * The light: `red` and `orange` ask to hold back (a grid-stress day in its peak hours), `green`
 * says it is a good time (off-peak hours, or the sun covering half the neighbourhood or more),
 * `neutral` otherwise.
 */
export const SignalLight = z.enum(['green', 'neutral', 'orange', 'red']);
export type SignalLight = z.infer<typeof SignalLight>;

/** Why the light is what it is, as codes the dashboard and the hub put in words (FR/EN). */
export const SignalReason = z.enum([
  'tempo-red',
  'tempo-white',
  'ecowatt-red',
  'ecowatt-orange',
  'off-peak',
  'sun',
]);
export type SignalReason = z.infer<typeof SignalReason>;

/**
 * One signal day. It runs from 06:00 to 06:00 the next day, like a Tempo day: at 03:00 the day
 * in force is still yesterday's.
 */
export const SignalDay = z.object({
  date: LocalDate,
  tempo: TempoColour.nullable(),
  /** who said the Tempo colour: `console`, or `meter:<node>` (a Linky's TIC, a Tasmota TIC block) */
  tempoSource: z.string().nullable(),
  ecowatt: EcowattLevel.nullable(),
  /** the admin's note for the day, set with `signal set DATE WORD "note"` */
  note: z.string().nullable(),
});
export type SignalDay = z.infer<typeof SignalDay>;

/** Heat and cold levels (docs/COLLECTIVE.md gives the public-health references). */
export const WeatherAlert = z.enum(['heat', 'cold', 'severe-cold', 'extreme-cold']);
export type WeatherAlert = z.infer<typeof WeatherAlert>;

export const HeatColdThresholds = z.object({
  /** heat: the mean of the last three daily maxima and minima at or above these (°C) */
  heatDayC: z.number(),
  heatNightC: z.number(),
  /** cold: the last 24 h's minimum at or below these (°C); severe and extreme with a day below 0 °C */
  coldC: z.number(),
  severeColdC: z.number(),
  extremeColdC: z.number(),
});
export type HeatColdThresholds = z.infer<typeof HeatColdThresholds>;

export const SignalWeather = z.object({
  alert: WeatherAlert.nullable(),
  /** the shared outdoor sensor, `<node>/<sensor>`, and its place; null when none is set or it is not public */
  sensor: z.string().nullable(),
  place: z.string().nullable(),
  /** its latest hourly mean, °C, and the hour it is of */
  celsius: z.number().nullable(),
  ts: z.number().nullable(),
  /** the last 24 hours' lowest and highest readings, °C */
  min24: z.number().nullable(),
  max24: z.number().nullable(),
  thresholds: HeatColdThresholds,
});
export type SignalWeather = z.infer<typeof SignalWeather>;

/** Local production against consumption, from the newest published minute of each (W). */
export const SignalProduction = z.object({
  producedW: z.number(),
  consumedW: z.number().nullable(),
  /** producedW / consumedW, capped at 1; null when consumption is withheld */
  share: z.number().nullable(),
  ts: z.number(),
});
export type SignalProduction = z.infer<typeof SignalProduction>;

export const SignalMessage = z.object({
  /** when it was computed */
  ts: z.number(),
  timeZone: z.string(),
  light: SignalLight,
  reasons: z.array(SignalReason),
  today: SignalDay,
  tomorrow: SignalDay,
  /** the tariff's off-peak windows today (empty: a single rate) and whether now is in one */
  offPeak: z.object({
    windows: z.array(OffPeakWindow),
    now: z.boolean().nullable(),
    /** the next time peak turns off-peak or back */
    nextChange: z.number().nullable(),
  }),
  weather: SignalWeather,
  production: SignalProduction.nullable(),
  /** the light and its reasons in one sentence, for Home Assistant and MQTT readers */
  words: z.object({ en: z.string(), fr: z.string() }),
});
export type SignalMessage = z.infer<typeof SignalMessage>;

export const SignalBody = SignalMessage.extend({ status: z.literal('ok') });
export type SignalBody = z.infer<typeof SignalBody>;
