import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, and starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.5 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads delays by ±20 % so agents do not reconnect in lockstep', () => {
    expect(new Backoff({ initialMs: 1000, random: () => 0 }).next()).toBe(800);
    expect(new Backoff({ initialMs: 1000, random: () => 1 }).next()).toBe(1200);
  });
});
