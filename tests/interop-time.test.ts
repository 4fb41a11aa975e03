import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo, NodesBody } from '../protocol/index.ts';
import { addDevice, mosquittoPub, series, until } from './support/interop-client.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

async function node(th: TestHub, id: string): Promise<NodeInfo | undefined> {
  const body = (await (await fetch(`${th.httpUrl}/api/nodes`)).json()) as NodesBody;
  return body.nodes.find((n) => n.id === id);
}

/** Wall-clock time in a zone without an offset, as stock Tasmota writes `Time`. */
function wallClock(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
    .format(ts)
    .replace(' ', 'T');
}

describe("device clocks without an offset are read in the neighbourhood's time zone", () => {
  let th: TestHub;
  const secrets: Record<string, string> = {};
  const sensor = (user: string, topic: string, time: string, power: number) =>
    mosquittoPub(
      th.mqttPort,
      user,
      secrets[user] ?? '',
      `tele/${topic}/SENSOR`,
      JSON.stringify({ Time: time, ENERGY: { Power: power } }),
    );

  beforeAll(async () => {
    th = await startTestHub();
    th.addHousehold('h1', 'community');
    secrets.plug = await addDevice(th, 'device add plug --format tasmota --topic tz_plug --household h1');
  });
  afterAll(() => th.stop());

  it('the setting defaults to the system zone and refuses a zone that does not exist, in one line', async () => {
    const system = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // a zone's name may hold a "+" (Etc/GMT+11): matched as text, not as a pattern
    const line = (await th.run('settings')).output.split('\n').find((l) => l.startsWith('timezone'));
    expect(line?.replace(/\s+/g, ' ')).toBe(`timezone ${system}`);
    const bad = await th.run('settings set timezone Mars/Olympus');
    expect(bad.code).toBe(2);
    expect(bad.output.split('\n')).toHaveLength(1);
    expect(bad.output).toMatch(/"Mars\/Olympus" is not.*Europe\/Paris/);
  });

  it('a Tasmota clock in another zone than the hub is refused as clock_off, naming the offset and the fix', async () => {
    expect((await th.run('settings set timezone UTC')).code).toBe(0);
    // Kathmandu is UTC+5:45 all year: its local time read as UTC is 5 h 45 min ahead
    await sensor('plug', 'tz_plug', wallClock(Date.now(), 'Asia/Kathmandu'), 100);
    const n = await until(async () => {
      const info = await node(th, 'plug');
      return info?.rejectedByReason.clock_off ? info : undefined;
    });
    const detail = n.lastRejections.find((r) => r.reason === 'clock_off')?.detail ?? '';
    expect(detail).toContain('5 h 45 min ahead');
    expect(detail).toContain('UTC');
    expect(detail).toContain('settings set timezone');
    expect(n.rejectedByReason.ts_future).toBeUndefined();
  });

  it('once the neighbourhood zone is set, the same clock is read right', async () => {
    expect((await th.run('settings set timezone Asia/Kathmandu')).code).toBe(0);
    const ts = Date.now() - 5000;
    await sensor('plug', 'tz_plug', wallClock(ts, 'Asia/Kathmandu'), 120);
    const power = await until(async () => {
      const s = await series(th, 'sensor=plug/power&step=raw');
      return s.points.value.includes(120) ? s : undefined;
    });
    expect(Math.abs((power.points.t.at(-1) ?? 0) - ts)).toBeLessThan(1000);
  });

  it('a clock behind the hub (the hub east of the device) is refused too, not silently shifted by hours', async () => {
    const before = (await node(th, 'plug'))?.rejectedByReason.clock_off ?? 0;
    // the neighbourhood is set to Kathmandu; this plug's clock shows UTC
    await sensor('plug', 'tz_plug', wallClock(Date.now(), 'UTC'), 130);
    const n = await until(async () => {
      const info = await node(th, 'plug');
      return (info?.rejectedByReason.clock_off ?? 0) > before ? info : undefined;
    });
    expect(n.lastRejections[0]?.detail).toContain('5 h 45 min behind');
    const s = await series(th, 'sensor=plug/power&step=raw');
    expect(s.points.value).not.toContain(130);
  });

  it('a device in another zone than its neighbourhood is given its own on device add', async () => {
    secrets.far = await addDevice(
      th,
      'device add far --format tasmota --topic tz_far --household h1 --timezone America/Sao_Paulo',
    );
    const ts = Date.now() - 5000;
    await sensor('far', 'tz_far', wallClock(ts, 'America/Sao_Paulo'), 75);
    const power = await until(async () => {
      const s = await series(th, 'sensor=far/power&step=raw').catch(() => undefined);
      return s?.points.value.includes(75) ? s : undefined;
    });
    expect(Math.abs((power.points.t.at(-1) ?? 0) - ts)).toBeLessThan(1000);
    const bad = await th.run('device add far2 --format tasmota --topic tz_far2 --timezone Nowhere/Land');
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/"Nowhere\/Land" is not a time zone/);
  });
});
