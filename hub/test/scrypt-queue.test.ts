import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { ScryptBusy, ScryptQueue } from '../src/store/scrypt-queue.ts';
import { hashSecret } from '../src/store/secrets.ts';

describe('ScryptQueue: one scrypt at a time, a bounded waiting list', () => {
  it('runs one at a time, refuses checks past the waiting list with a reason, and serves hashes first', async () => {
    const q = new ScryptQueue({ concurrency: 1, maxWaiting: 3 });
    const stored = await hashSecret('right');
    const order: string[] = [];
    const checks = Array.from({ length: 6 }, (_, i) =>
      q.verify(i === 0 ? 'right' : 'wrong', stored).then(
        (ok) => order.push(`check${i}:${ok}`),
        (err: Error) => order.push(`check${i}:${err instanceof ScryptBusy ? 'busy' : err.message}`),
      ),
    );
    const hash = q.hash('new').then(() => order.push('hash'));
    await Promise.all([...checks, hash]);
    // 1 running + 3 waiting; the 5th and 6th refused at once; the console's hash before the waiting
    expect(order.slice(0, 2)).toEqual(['check4:busy', 'check5:busy']);
    expect(order.slice(2)).toEqual(['check0:true', 'hash', 'check1:false', 'check2:false', 'check3:false']);
    expect(q.refused).toBe(2);
    await expect(q.verify('x', stored)).resolves.toBe(false);
    expect(new ScryptBusy(32).message).toMatch(/32 password checks are waiting already: try again/);
  });
});

describe('the console never runs the blocking scrypt', () => {
  let th: TestHub;
  const calls = { sync: 0, async: 0 };
  const { scrypt, scryptSync } = crypto;

  beforeAll(async () => {
    th = await startTestHub();
    crypto.scryptSync = ((...args: Parameters<typeof scryptSync>) => {
      calls.sync++;
      return scryptSync(...args);
    }) as typeof scryptSync;
    crypto.scrypt = ((...args: Parameters<typeof scrypt>) => {
      calls.async++;
      return (scrypt as (...a: unknown[]) => void)(...args);
    }) as typeof scrypt;
    // the hub imports { scrypt } from node:crypto: its bindings follow the patched properties
    syncBuiltinESMExports();
  });
  afterAll(async () => {
    crypto.scrypt = scrypt;
    crypto.scryptSync = scryptSync;
    syncBuiltinESMExports();
    await th.stop();
  });

  it('node add, node rotate, device add and household link hash with the asynchronous scrypt', async () => {
    th.addHousehold('h-sq', 'community');
    for (const line of [
      'node add sq-1 --household h-sq',
      'node rotate sq-1',
      'device add sq-plug --format tasmota --topic tasmota_5Q --household h-sq',
      'household link h-sq --ascii',
    ]) {
      const { code, output } = await th.run(line);
      expect(code, output).toBe(0);
    }
    expect(calls.sync).toBe(0);
    expect(calls.async).toBeGreaterThanOrEqual(4);
  });
});
