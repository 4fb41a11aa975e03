import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { SntpServer } from '../../hub/src/time/sntp-server.ts';
import { HubTime } from './hub-time.ts';

const HOUR = 3_600_000;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubServer(aheadMs: number, synchronised = true): Promise<number> {
  const s = new SntpServer({
    host: '127.0.0.1',
    port: 0,
    now: () => Date.now() + aheadMs,
    synchronised: () => synchronised,
  });
  await s.start();
  cleanups.push(() => s.stop());
  return s.port as number;
}

function client(port: number, log: string[]): HubTime {
  const t = new HubTime({
    host: '127.0.0.1',
    port,
    system: Date.now,
    timeoutMs: 300,
    log: (l) => log.push(l),
  });
  cleanups.push(() => t.stop());
  return t;
}

describe('the agent takes its time from the hub (SNTP client)', () => {
  it("adds the hub's offset to the machine's clock, and says so once", async () => {
    const log: string[] = [];
    const t = client(await hubServer(HOUR), log);
    const sample = await t.round();
    expect(typeof sample).toBe('object');
    expect(Math.abs((t.offsetMs as number) - HOUR)).toBeLessThan(1000);
    expect(Math.abs(t.now() - (Date.now() + HOUR))).toBeLessThan(1000);
    await t.round();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(
      /^time: in step with the hub \(127\.0\.0\.1:\d+\), this machine's clock is off by \+36\d\d\.\d{3} s$/,
    );
  });

  it('keeps the machine clock while the hub says its own clock is not synchronised', async () => {
    const log: string[] = [];
    const t = client(await hubServer(HOUR, false), log);
    expect(await t.round()).toBe('the server says its own clock is not synchronised');
    expect(t.offsetMs).toBeUndefined();
    expect(Math.abs(t.now() - Date.now())).toBeLessThan(1000);
    expect(log).toEqual([
      expect.stringMatching(
        /no usable answer .*not synchronised\); readings are stamped with this machine's clock$/,
      ),
    ]);
  });

  it('keeps the machine clock when no one answers, with one line for the whole outage', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => silent.close());
    const log: string[] = [];
    const t = client(silent.address().port, log);
    expect(await t.round()).toBe('no answer');
    expect(await t.round()).toBe('no answer');
    expect(t.offsetMs).toBeUndefined();
    expect(log).toHaveLength(1);
  });
});
