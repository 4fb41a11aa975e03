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
    const delta = difference(total, state.total);
    if (delta > bound) return { kind: 'delta', delta: 0, next, event: 'jump' };
    return { kind: 'delta', delta, next };
  }
  // The total went down: a counter that restarted from zero has counted `total` since; anything
  // else (a replacement meter with its own history) gives no usable delta.
  if (total <= bound) return { kind: 'delta', delta: total, next, event: 'reset' };
  return { kind: 'delta', delta: 0, next, event: 'backwards' };
}

/**
 * `a - b` to the decimals the two totals were given with: 1234.7 − 1234.5 is 0.2, not
 * 0.20000000000004547, which would print as 19 characters in exports and in the packed blocks.
 */
export function difference(a: number, b: number): number {
  const d = Math.max(decimals(a), decimals(b));
  const raw = a - b;
  return d < 0 ? raw : Number(raw.toFixed(d));
}

/** Digits after the point in the shortest text of `x`, or -1 when it is written with an exponent. */
function decimals(x: number): number {
  const text = String(x);
  if (text.includes('e')) return -1;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(text.length - dot - 1, 15);
}
