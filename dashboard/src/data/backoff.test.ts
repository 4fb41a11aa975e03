import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

const opts = { baseMs: 1000, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles with each attempt', () => {
    expect(backoffDelay(0, opts, () => 1)).toBe(1000);
    expect(backoffDelay(3, opts, () => 1)).toBe(8000);
  });
  it('is capped so a screen retries at least every 30 s', () => {
    expect(backoffDelay(20, opts, () => 1)).toBe(30_000);
  });
  it('jitters between half and all of the ceiling', () => {
    expect(backoffDelay(2, opts, () => 0)).toBe(2000);
    expect(backoffDelay(2, opts, () => 0.5)).toBe(3000);
  });
});
