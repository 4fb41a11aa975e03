import type {
  HeatColdThresholds,
  SignalDay,
  SignalLight,
  SignalMessage,
  SignalProduction,
  SignalReason,
} from '../../../protocol/signal.ts';
import type { Tariff } from '../../../protocol/tariff.ts';
import { tariffOnDate } from '../cost/cost.ts';
import { addDays, type LocalClock } from '../cost/local-time.ts';
import type { HourPoint } from '../published-figures.ts';
import { inStressHours, offPeakAt, signalDate } from './local-hours.ts';
import { signalWords } from './signal-words.ts';
import { weatherAt } from './weather-alert.ts';

/** The sun covers at least this share of consumption: a good time to use electricity. */
export const SUNNY_SHARE = 0.5;

/** What the signal is made of, read by the signal service (signal-service.ts) from the hub. */
export interface SignalInputs {
  now: number;
  clock: LocalClock;
  tariffs: readonly Tariff[];
  /** what is known of a signal day: its Tempo colour and who said it, its EcoWatt level and note */
  day(date: string): Omit<SignalDay, 'date'>;
  outdoor: { sensor: string; place: string | null; hours: readonly HourPoint[] } | null;
  thresholds: HeatColdThresholds;
  production: SignalProduction | null;
}

/**
 * The neighbourhood signal from what the hub knows locally (docs/COLLECTIVE.md, "The signal"):
 * - red or orange: today is a grid-stress day (Tempo red or white, EcoWatt red or orange) and now is
 *   in its peak hours (outside the tariff's off-peak hours; Tempo's 22:00–06:00 for a single rate);
 * - green: off-peak hours, or local production covering half the neighbourhood's consumption or more;
 * - neutral otherwise.
 * Heat and cold alerts and tomorrow's colour are told beside the light, not in it.
 */
export function computeSignal(i: SignalInputs): SignalMessage {
  const { clock, now } = i;
  const date = signalDate(clock, now);
  const today: SignalDay = { date, ...i.day(date) };
  const tomorrow: SignalDay = { date: addDays(date, 1), ...i.day(addDays(date, 1)) };
  const tariff = tariffOnDate(i.tariffs, clock.local(now).date);
  const offPeak = offPeakAt(tariff, clock, now);
  const reasons: SignalReason[] = [];
  let light: SignalLight = 'neutral';
  if (inStressHours(offPeak.windows, clock, now)) {
    if (today.tempo === 'red') reasons.push('tempo-red');
    if (today.ecowatt === 'red') reasons.push('ecowatt-red');
    if (reasons.length > 0) light = 'red';
    else {
      if (today.tempo === 'white') reasons.push('tempo-white');
      if (today.ecowatt === 'orange') reasons.push('ecowatt-orange');
      if (reasons.length > 0) light = 'orange';
    }
  }
  if (light === 'neutral') {
    if (offPeak.now) reasons.push('off-peak');
    if (i.production?.share != null && i.production.share >= SUNNY_SHARE) reasons.push('sun');
    if (reasons.length > 0) light = 'green';
  }
  const w = i.outdoor ? weatherAt(i.outdoor.hours, now, i.thresholds) : undefined;
  const message: Omit<SignalMessage, 'words'> = {
    ts: now,
    timeZone: clock.timeZone,
    light,
    reasons,
    today,
    tomorrow,
    offPeak,
    weather: {
      alert: w?.alert ?? null,
      sensor: i.outdoor?.sensor ?? null,
      place: i.outdoor?.place ?? null,
      celsius: w?.celsius ?? null,
      ts: w?.ts ?? null,
      min24: w?.min24 ?? null,
      max24: w?.max24 ?? null,
      thresholds: i.thresholds,
    },
    production: i.production,
  };
  return { ...message, words: signalWords(message) };
}
