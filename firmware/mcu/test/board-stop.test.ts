import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvrBoard } from '../../sim/avr-board.ts';

/** Resolves with how long a `setImmediate` took to run, or null when it did not within `ms`. */
function immediateWithin(ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    // a timer that keeps the loop turning, as a hub's and an agent's do
    const turning = setInterval(() => undefined, 20);
    const give = setTimeout(() => {
      clearInterval(turning);
      resolve(null);
    }, ms);
    setImmediate(() => {
      clearInterval(turning);
      clearTimeout(give);
      resolve(performance.now() - t0);
    });
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a simulated board that is powered off', () => {
  it('leaves the process it ran in as it found it: its setImmediate callbacks still run', async () => {
    // at wall-clock speed the board sleeps between slices with a setTimeout; powering it off then
    // must not hand that timer to clearImmediate, which corrupts Node's count of pending immediates
    // (every later setImmediate of the process waited for seconds: a hub in the same process took
    // 22 s to refuse a wrong secret)
    // (it sleeps most of the time here: five boards powered off at some moment each make it certain)
    const cleared = vi.spyOn(globalThis, 'clearImmediate');
    for (let i = 0; i < 5; i++) {
      const board = new AvrBoard({ realtime: true });
      board.start();
      await new Promise((r) => setTimeout(r, 30 + 7 * i));
      await board.stop();
    }
    const kinds = cleared.mock.calls.map(([t]) => (t as object | undefined)?.constructor.name);
    expect(kinds.filter((k) => k !== 'Immediate')).toEqual([]);
    expect(await immediateWithin(2000)).not.toBeNull();
  });
});
