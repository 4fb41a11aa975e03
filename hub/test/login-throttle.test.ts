import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../src/broker/login-throttle.ts';

describe('LoginThrottle', () => {
  it('blocks an address after more than N failures within one second, for blockMs', () => {
    let now = 1_000_000;
    const t = new LoginThrottle({ maxFailuresPerSecond: 3, blockMs: 10_000, now: () => now });
    for (let i = 0; i < 3; i++) t.failed('10.0.0.9');
    expect(t.blocked('10.0.0.9')).toBe(false);
    t.failed('10.0.0.9');
    expect(t.blocked('10.0.0.9')).toBe(true);
    expect(t.blocked('10.0.0.10')).toBe(false);
    now += 10_001;
    expect(t.blocked('10.0.0.9')).toBe(false);
    expect(t.throttled).toBe(1);
  });

  it('failures spread over seconds never block (a node with a stale secret retrying)', () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailuresPerSecond: 3, now: () => now });
    for (let i = 0; i < 100; i++) {
      t.failed('10.0.0.9');
      now += 500;
    }
    expect(t.blocked('10.0.0.9')).toBe(false);
  });

  it('an unknown address (no remote address on the stream) is never blocked', () => {
    const t = new LoginThrottle({ maxFailuresPerSecond: 0 });
    t.failed(undefined);
    expect(t.blocked(undefined)).toBe(false);
  });

  it('forgets addresses past 10,000 instead of growing without bound', () => {
    let now = 0;
    const t = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 25_000; i++) {
      t.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      now += 1;
    }
    expect((t as unknown as { byAddress: Map<string, unknown> }).byAddress.size).toBeLessThanOrEqual(10_000);
  });
});
