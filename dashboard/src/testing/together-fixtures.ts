import type { ChallengeView } from '../../../protocol/challenge.ts';
import type { ProductionBody, ProductionShares } from '../../../protocol/production.ts';
import type { SignalBody } from '../../../protocol/signal.ts';

const H = 3_600_000;

/** Test data: a /api/signal answer (a plain day, normal hours), overridden per test. */
export function signalFixture(patch: Partial<SignalBody> = {}): SignalBody {
  const day = { date: '2026-12-12', tempo: null, tempoSource: null, ecowatt: null, note: null };
  return {
    status: 'ok',
    ts: Date.now(),
    timeZone: 'UTC',
    light: 'neutral',
    reasons: [],
    today: day,
    tomorrow: { ...day, date: '2026-12-13' },
    offPeak: { windows: [], now: null, nextChange: null },
    weather: {
      alert: null,
      sensor: null,
      place: null,
      celsius: null,
      ts: null,
      min24: null,
      max24: null,
      thresholds: { heatDayC: 34, heatNightC: 20, coldC: 0, severeColdC: -5, extremeColdC: -10 },
    },
    production: null,
    words: { en: '', fr: '' },
    ...patch,
  };
}

/** Test data: a challenge of 18:00–20:00 today with a -10 % target, as `/api/challenges` gives it. */
export function challengeFixture(patch: Partial<ChallengeView> = {}): ChallengeView {
  const start = Date.now() - H / 2;
  return {
    id: 'soiree-sobre',
    title: 'Soirée sobre',
    date: '2026-12-12',
    from: '18:00',
    to: '20:00',
    targetPct: -10,
    start,
    end: start + 2 * H,
    state: 'live',
    baseline: { weeks: ['2026-12-05', '2026-11-28'], perHomeWh: 5400 },
    hours: [
      { t: start, expectedWh: 9000, wh: 8370 },
      { t: start + H, expectedWh: 7200, wh: null },
    ],
    figures: {
      wh: 8370,
      expectedWh: 9000,
      changePct: -7,
      savedWh: 630,
      savedCost: 0.4158,
      savedCo2g: 32.76,
      currency: 'EUR',
      met: false,
      hours: 1,
    },
    now: { watts: 6400, typicalW: 7200, ts: Date.now() },
    ...patch,
  };
}

const shares = (patch: Partial<ProductionShares> = {}): ProductionShares => ({
  consumedWh: 34_500,
  producedWh: 12_000,
  selfConsumedWh: 8500,
  selfSufficiency: 8500 / 34_500,
  selfConsumption: 8500 / 12_000,
  hours: 23,
  withheldHours: 1,
  ...patch,
});

/** Test data: a /api/production answer for a day or a month. */
export function productionFixture(
  period: 'day' | 'month',
  total: Partial<ProductionShares> = {},
  producing = true,
): ProductionBody {
  return {
    status: 'ok',
    timeZone: 'UTC',
    period,
    span: period === 'day' ? '2026-06-10' : '2026-06',
    from: 0,
    to: 0,
    producing,
    total: shares(total),
    buckets: [],
  };
}
