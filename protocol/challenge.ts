import { z } from 'zod';
import { ID_PATTERN } from './ids.ts';
import { LocalDate } from './tariff.ts';

/**
 * Collective challenges (docs/COLLECTIVE.md): an admin declares one on the console
 * (`challenge add soiree-sobre "Soirée sobre" --date 2026-12-12 --from 18:00 --to 20:00 --target -10%`);
 * the neighbourhood's consumption in that window is compared with its baseline, the typical
 * consumption of the same weekday and hours over the previous weeks. `GET /api/challenges` answers
 * `ChallengesBody`.
 */

export const ChallengeId = z
  .string()
  .regex(ID_PATTERN, 'use 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit');

/** A whole hour of the day, `18:00`; `24:00` ends a window at midnight. */
export const HourOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):00$|^24:00$/, 'write a whole hour as HH:00 (the figures are hourly)');

export const Challenge = z
  .object({
    id: ChallengeId,
    title: z.string().min(1).max(80),
    date: LocalDate,
    from: HourOfDay,
    to: HourOfDay,
    /** the change aimed at, in %: -10 is "10 % less than usual" */
    targetPct: z.number().min(-100).max(0),
  })
  .refine((c) => c.from < c.to, { message: 'the window must end after it starts', path: ['to'] });
export type Challenge = z.infer<typeof Challenge>;

export const ChallengeState = z.enum(['upcoming', 'live', 'settling', 'done']);
export type ChallengeState = z.infer<typeof ChallengeState>;

/** One hour of the window: what the baseline expects, and what was used (null: not yet, or withheld). */
export const ChallengeHour = z.object({
  t: z.number(),
  expectedWh: z.number().nullable(),
  wh: z.number().nullable(),
});
export type ChallengeHour = z.infer<typeof ChallengeHour>;

export const ChallengeBaseline = z.object({
  /** the same weekdays the baseline is made of (weeks with a withheld hour or a challenge left out) */
  weeks: z.array(LocalDate),
  /** the energy one household typically used in the window, Wh */
  perHomeWh: z.number(),
});
export type ChallengeBaseline = z.infer<typeof ChallengeBaseline>;

/** Where the neighbourhood stands: the hours published so far against what the baseline expects of them. */
export const ChallengeFigures = z.object({
  wh: z.number(),
  expectedWh: z.number(),
  /** (wh / expectedWh - 1) × 100: -14 is "14 % less than usual" */
  changePct: z.number(),
  savedWh: z.number(),
  /** the saved energy at the tariff of each hour (docs/MONEY.md), and its CO2 at the grid's factor */
  savedCost: z.number(),
  savedCo2g: z.number(),
  currency: z.string(),
  /** true when the change reaches the target */
  met: z.boolean(),
  /** hours of the window counted (the rest are still to come) */
  hours: z.number().int(),
});
export type ChallengeFigures = z.infer<typeof ChallengeFigures>;

export const ChallengeView = z.object({
  id: ChallengeId,
  title: z.string(),
  date: LocalDate,
  from: HourOfDay,
  to: HourOfDay,
  targetPct: z.number(),
  /** the window as instants */
  start: z.number(),
  end: z.number(),
  state: ChallengeState,
  /** null while fewer than two earlier weeks can make it up */
  baseline: ChallengeBaseline.nullable(),
  hours: z.array(ChallengeHour),
  /** live: the hours published so far; done: the result (kept as it was first published) */
  figures: ChallengeFigures.nullable(),
  /** during the window: the neighbourhood's power now, and what the baseline expects at this hour (W) */
  now: z.object({ watts: z.number(), typicalW: z.number(), ts: z.number() }).nullable(),
  /** why there are no figures, in words: no baseline, or an hour withheld by the privacy rule */
  withheld: z.string().optional(),
});
export type ChallengeView = z.infer<typeof ChallengeView>;

export const ChallengesBody = z.object({ status: z.literal('ok'), challenges: z.array(ChallengeView) });
export type ChallengesBody = z.infer<typeof ChallengesBody>;
