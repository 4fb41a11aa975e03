import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CounterEventsBody } from '../../protocol/interop/counter-events.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { addDevice, localTime, mosquittoPub, series } from '../../tests/support/interop-client.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

const MIN = 60_000;

/**
 * A Tasmota meter's `ENERGY.Total` through the counter guard: a reset, an implausible jump after an
 * outage, a replacement meter with its own history. Each is recorded; none becomes a negative or a
 * giant delta, so the day's kWh stay what was really used. The hub's clock is stepped to each
 * message's time: a Tasmota sends only live telemetry, and one whose clock is off is refused.
 */
describe('interop: counter guard on foreign energy totals', () => {
  let th: TestHub;
  let secret: string;
  const now = Date.now();
  let clock = now;
  const total = (minutesAgo: number, kwh: number) => {
    clock = now - minutesAgo * MIN;
    return mosquittoPub(
      th.mqttPort,
      'meter1',
      secret,
      'tele/meter_1/SENSOR',
      JSON.stringify({ Time: localTime(now - minutesAgo * MIN), ENERGY: { Total: kwh, Power: 100 } }),
    );
  };

  beforeAll(async () => {
    th = await startTestHub({ now: () => clock });
    th.addHousehold('h1', 'community');
    secret = await addDevice(th, 'device add meter1 --format tasmota --topic meter_1 --household h1');
    await total(480, 50.0); // baseline
    await total(120, 62.0); // 6 h outage, 12 kWh: plausible, counted (+12000 Wh)
    await total(50, 62.5); // +500
    await total(40, 0.2); // the plug restarted from zero: a reset, counted from zero (+200)
    await total(30, 0.4); // +200
    await total(20, 900.0); // +899.6 kWh in 10 min: a jump, not counted
    await total(10, 900.1); // +100
    await total(5, 850.0); // replaced by a meter with its own, lower history: backwards, not counted
    await total(1, 850.2); // +200
  });
  afterAll(() => th.stop());
  beforeEach(() => {
    clock = Date.now();
  });

  it('records a reset, a jump and a backwards total as counter events', () => {
    const kinds = (
      hubDb(th.hub).prepare('SELECT kind FROM counter_events ORDER BY ts').all() as { kind: string }[]
    ).map((r) => r.kind);
    expect(kinds).toEqual(['reset', 'jump', 'backwards']);
  });

  it('the node page can show them: GET /api/counter-events?node=ID, newest first, in Wh', async () => {
    const body = (await (
      await fetch(`${th.httpUrl}/api/counter-events?node=meter1`)
    ).json()) as CounterEventsBody;
    expect(body.events.map((e) => e.kind)).toEqual(['backwards', 'jump', 'reset']);
    expect(body.events[2]).toMatchObject({ sensor: 'energy', previous: 62_500, current: 200 });
  });

  it('the energy used stays right in hourly and daily rollups: 13.2 kWh, no negative delta', async () => {
    const range = `from=${now - 10 * 60 * MIN}&to=${now + MIN}`;
    const hourly = await series(th, `sensor=meter1/energy&${range}&step=hour`);
    expect(hourly.points.value.every((v) => v >= 0)).toBe(true);
    expect(hourly.points.value.reduce((a, b) => a + b, 0)).toBeCloseTo(13_200);
    const daily = await series(
      th,
      `sensor=meter1/energy&from=${now - 2 * 86_400_000}&to=${now + MIN}&step=day`,
    );
    expect(daily.points.value.reduce((a, b) => a + b, 0)).toBeCloseTo(13_200);
  });

  it('a repeated message (same Time) is absorbed as a duplicate, not counted twice', async () => {
    await total(1, 850.2);
    const raw = await series(
      th,
      `sensor=meter1/energy&from=${now - 10 * 60 * MIN}&to=${now + MIN}&step=hour`,
    );
    expect(raw.points.value.reduce((a, b) => a + b, 0)).toBeCloseTo(13_200);
  });
});
