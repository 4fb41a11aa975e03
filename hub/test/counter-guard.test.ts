import { describe, expect, it } from 'vitest';
import { difference, guardCounter } from '../src/ingest/counter-guard.ts';

const H = 3_600_000;
const MAX = 250_000; // Wh per hour

describe('counter guard', () => {
  it('the first total only sets the base', () => {
    expect(guardCounter({ total: null, ts: null }, 5000, 0, MAX)).toMatchObject({ kind: 'delta', delta: 0 });
  });
  it('a rising total gives its increase', () => {
    expect(guardCounter({ total: 5000, ts: 0 }, 5100, H, MAX)).toMatchObject({ kind: 'delta', delta: 100 });
  });
  it('a delta keeps the decimals of the totals, without binary noise', () => {
    expect(1234.7 - 1234.5).not.toBe(0.2);
    expect(guardCounter({ total: 1234.5, ts: 0 }, 1234.7, H, MAX)).toMatchObject({ delta: 0.2 });
    expect(difference(100.25, 99.1)).toBe(1.15);
    expect(difference(7, 3)).toBe(4);
    expect(difference(1e21 + 5e6, 1e21)).toBe(1e21 + 5e6 - 1e21); // written with an exponent: as is
  });
  it('a total back near zero is a reset: the new total is what was counted since', () => {
    expect(guardCounter({ total: 5000, ts: 0 }, 12, 60_000, MAX)).toMatchObject({
      delta: 12,
      event: 'reset',
    });
  });
  it('a replacement meter with its own larger history gives no delta (backwards)', () => {
    expect(guardCounter({ total: 900_000, ts: 0 }, 400_000, 60_000, MAX)).toMatchObject({
      delta: 0,
      event: 'backwards',
    });
  });
  it('an implausible jump is recorded, not stored as a giant delta', () => {
    expect(guardCounter({ total: 5000, ts: 0 }, 5_000_000, 60_000, MAX)).toMatchObject({
      delta: 0,
      event: 'jump',
    });
  });
  it('a large but plausible increase after a long outage is kept', () => {
    // 10 days at 2 kW average
    expect(guardCounter({ total: 5000, ts: 0 }, 5000 + 480_000, 240 * H, MAX)).toMatchObject({
      delta: 480_000,
    });
  });
  it('refuses a replayed total at the same time as a duplicate, and an older one as out of order', () => {
    expect(guardCounter({ total: 5000, ts: H }, 5000, H, MAX)).toEqual({
      kind: 'refuse',
      reason: 'duplicate',
    });
    expect(guardCounter({ total: 5000, ts: H }, 4000, 0, MAX)).toEqual({
      kind: 'refuse',
      reason: 'out_of_order',
    });
  });
});
