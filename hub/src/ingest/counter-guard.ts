/**
 * Counters (energy totals, pulse counts) arrive as running totals and are stored as deltas. A
 * total that drops (meter replaced, device reset, power cut that lost the count) or leaps beyond
 * what the quantity can plausibly do must not become a negative or a giant delta: it is recorded
 * as an event and the series is re-based on the new total.
 */
export interface CounterState {
  total: number | null;
  ts: number | null;
}

export type CounterEventKind = 'reset' | 'jump' | 'backwards';

export type CounterOutcome =
  | { kind: 'delta'; delta: number; next: CounterState; event?: CounterEventKind }
  | { kind: 'refuse'; reason: 'duplicate' | 'out_of_order' };

/** The shortest interval used for the plausibility bound, so that bursts of readings are not penalised. */
const MIN_HOURS = 60 / 3600;

export function guardCounter(
  state: CounterState,
  total: number,
  ts: number,
  maxRatePerHour: number,
): CounterOutcome {
  const next = { total, ts };
  if (state.total === null || state.ts === null) return { kind: 'delta', delta: 0, next };
  if (ts === state.ts)
    return { kind: 'refuse', reason: total === state.total ? 'duplicate' : 'out_of_order' };
  if (ts < state.ts) return { kind: 'refuse', reason: 'out_of_order' };
  const hours = Math.max((ts - state.ts) / 3_600_000, MIN_HOURS);
  const bound = maxRatePerHour * hours;
  if (total >= state.total) {
    const delta = total - state.total;
    if (delta > bound) return { kind: 'delta', delta: 0, next, event: 'jump' };
    return { kind: 'delta', delta, next };
  }
  // The total went down: a counter that restarted from zero has counted `total` since; anything
  // else (a replacement meter with its own history) gives no usable delta.
  if (total <= bound) return { kind: 'delta', delta: total, next, event: 'reset' };
  return { kind: 'delta', delta: 0, next, event: 'backwards' };
}
