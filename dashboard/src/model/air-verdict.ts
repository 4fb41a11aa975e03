import type { SensorInfo } from '../../../protocol/api.ts';
import { type Advice, type AdviceLevel, type AirStatus, airAdvice } from './air-advice.ts';

/** A reading older than this says nothing about the air now. */
export const VERDICT_FRESH_MS = 3_600_000;

export type VerdictStatus = AirStatus | 'unknown';

export interface PlaceVerdict {
  /** the most serious problem, `good` when there is none, `unknown` without a fresh reading */
  status: VerdictStatus;
  level: AdviceLevel;
  /** every problem found, most serious first */
  advice: Advice[];
}

export interface Latest {
  ts: number;
  value: number;
}

const LEVEL_RANK: Record<AdviceLevel, number> = { alert: 0, warn: 1, ok: 2 };
const STATUS_RANK: Record<VerdictStatus, number> = {
  air: 0,
  hot: 1,
  cold: 2,
  particles: 3,
  good: 4,
  unknown: 5,
};

function bySeriousness(a: { status: VerdictStatus; level: AdviceLevel }, b: typeof a): number {
  return LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || STATUS_RANK[a.status] - STATUS_RANK[b.status];
}

/**
 * Whether a place is a room: it has a CO2 sensor. No one measures CO2 outdoors, where it stays near
 * 420 ppm; the API does not say otherwise which places are rooms.
 */
export function isRoom(sensors: readonly SensorInfo[]): boolean {
  return sensors.some((s) => s.quantity === 'co2');
}

/**
 * One place's verdict from its sensors' latest readings: `live` (newer readings from the live
 * stream, by series) wins over the value the hub gave at load (`SensorInfo.last`).
 */
export function placeVerdict(
  sensors: readonly SensorInfo[],
  now: number,
  live: ReadonlyMap<string, Latest> = new Map(),
): PlaceVerdict {
  const room = isRoom(sensors);
  const advice: Advice[] = [];
  let fresh = 0;
  for (const s of sensors) {
    const known = s.last;
    const streamed = live.get(s.series);
    const latest = streamed && (!known || streamed.ts >= known.ts) ? streamed : known;
    if (!latest || now - latest.ts > VERDICT_FRESH_MS) continue;
    fresh++;
    const a = airAdvice(s.quantity, latest.value, { room });
    if (a && !advice.some((x) => x.status === a.status && x.level === a.level)) advice.push(a);
  }
  advice.sort(bySeriousness);
  const worst = advice[0];
  if (worst) return { status: worst.status, level: worst.level, advice };
  return { status: fresh > 0 ? 'good' : 'unknown', level: 'ok', advice };
}

export interface AirSummary {
  /** places with a problem, most serious first */
  problems: Array<{ name: string; verdict: PlaceVerdict }>;
  good: number;
  unknown: number;
}

/** The neighbourhood's air in one line: the places with a problem by name, the others counted. */
export function summarizeAir(places: ReadonlyArray<{ name: string; verdict: PlaceVerdict }>): AirSummary {
  const problems = places
    .filter((p) => p.verdict.status !== 'good' && p.verdict.status !== 'unknown')
    .sort((a, b) => bySeriousness(a.verdict, b.verdict));
  return {
    problems,
    good: places.filter((p) => p.verdict.status === 'good').length,
    unknown: places.filter((p) => p.verdict.status === 'unknown').length,
  };
}
