import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductionBody, type Reading, SignalBody } from '../../protocol/index.ts';
import { connectNode, getJson, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { type HourFigures, productionShares } from '../src/production/production-shares.ts';

const HOUR = 3_600_000;
/** The UTC instant of a Paris wall-clock time in summer (UTC+2). */
const at = (local: string) => Date.parse(`${local}:00+02:00`);

/**
 * A generated day, 10 June 2026, with its hand computation (docs/COLLECTIVE.md, "Production"):
 * three homes use 500 Wh each every hour (1500 Wh an hour), except at 23:00 when only one does (that
 * hour is withheld by the privacy rule); the salle des fêtes' panels produce, from 09:00 to 15:00,
 * 500, 1500, 2500, 3000, 2500, 1500 and 500 Wh.
 *   used locally = min(production, consumption) = 500 + 1500 × 5 + 500 = 8500 Wh
 *   consumption counted = 23 × 1500 = 34 500 Wh (23:00 left out); production = 12 000 Wh
 *   self-sufficiency = 8500 / 34 500 = 24.6 %; self-consumption = 8500 / 12 000 = 70.8 %
 */
const SUN: Record<number, number> = { 9: 500, 10: 1500, 11: 2500, 12: 3000, 13: 2500, 14: 1500, 15: 500 };
const USED_LOCALLY = 8500;
const CONSUMED = 23 * 1500;
const PRODUCED = 12_000;

describe('production shares, pure', () => {
  it('hour by hour: min(production, consumption), withheld hours left out of both sums', () => {
    const hours: HourFigures[] = Array.from({ length: 24 }, (_, h) => ({
      t: h * HOUR,
      consumedWh: h === 23 ? null : 1500,
      producedWh: SUN[h] ?? 0,
    }));
    const s = productionShares(hours);
    expect(s).toEqual({
      consumedWh: CONSUMED,
      producedWh: PRODUCED,
      selfConsumedWh: USED_LOCALLY,
      selfSufficiency: USED_LOCALLY / CONSUMED,
      selfConsumption: USED_LOCALLY / PRODUCED,
      hours: 23,
      withheldHours: 1,
    });
    // an hour without any consumption figure is not counted; one without production produced nothing
    expect(productionShares([{ t: 0, consumedWh: undefined, producedWh: 800 }]).hours).toBe(0);
    expect(productionShares([{ t: 0, consumedWh: 900, producedWh: undefined }]).selfConsumption).toBeNull();
  });
});

describe('production and shared self-consumption on a hub', () => {
  let th: TestHub;
  let T = at('2026-06-10T12:40');
  const clients = new Map<string, MqttClient>();
  const sent = new Map<string, number>();

  /** Sends a node's readings up to `upTo` that it has not sent yet (sequence numbers continue). */
  async function send(node: string, all: Omit<Reading, 'seq'>[], upTo: number): Promise<void> {
    const c = clients.get(node) as MqttClient;
    const from = sent.get(node) ?? 0;
    const fresh = all.slice(from).filter((r) => r.ts <= upTo);
    const readings = fresh.map((r, i) => ({ ...r, seq: from + i }));
    sent.set(node, from + readings.length);
    for (let i = 0; i < readings.length; i += 500) await sendReadings(c, node, readings.slice(i, i + 500));
  }

  const plans = new Map<string, Omit<Reading, 'seq'>[]>();

  async function feed(upTo: number): Promise<void> {
    for (const [node, all] of plans) await send(node, all, upTo);
  }

  beforeAll(async () => {
    th = await startTestHub({ now: () => T });
    expect((await th.run('settings set timezone Europe/Paris')).code).toBe(0);
    // the shared installation: a production clamp on the inverter's line, at a public place
    th.addHousehold('salle', 'open', 'place');
    const { secret } = await th.addNode('salle-solar', { household: 'salle' });
    const solar = await connectNode(th.mqttUrl, 'salle-solar', secret);
    clients.set('salle-solar', solar);
    await sendMeta(solar, 'salle-solar', [{ id: 'clamp-power', quantity: 'power_produced', unit: 'W' }]);
    plans.set(
      'salle-solar',
      Array.from({ length: 24 * 60 }, (_, m) => ({
        sensor: 'clamp-power',
        quantity: 'power_produced' as const,
        unit: 'W',
        value: SUN[Math.floor(m / 60)] ?? 0,
        ts: at('2026-06-10T00:00') + m * 60_000 + 30_000,
      })),
    );
    // three private homes, each meter read every hour, and their power at noon
    for (const home of ['a', 'b', 'c']) {
      const node = `meter-${home}`;
      const { secret: s } = await th.addNode(node, { household: `home-${home}`, sharing: 'private' });
      const c = await connectNode(th.mqttUrl, node, s);
      clients.set(node, c);
      await sendMeta(c, node, [
        { id: 'energy', quantity: 'energy', unit: 'Wh' },
        { id: 'power', quantity: 'power', unit: 'W' },
      ]);
      const all: Omit<Reading, 'seq'>[] = [
        { sensor: 'energy', quantity: 'energy', unit: 'Wh', value: 0, ts: at('2026-06-10T00:01') },
      ];
      let total = 0;
      for (let h = 0; h < 24; h++) {
        if (h === 23 && home !== 'a') continue;
        total += 500;
        const ts = at('2026-06-10T00:00') + h * HOUR + 31 * 60_000;
        if (h === 12)
          for (let m = 0; m < 40; m++)
            all.push({
              sensor: 'power',
              quantity: 'power',
              unit: 'W',
              value: 600,
              ts: at('2026-06-10T12:00') + m * 60_000 + 20_000,
            });
        all.push({ sensor: 'energy', quantity: 'energy', unit: 'Wh', value: total, ts });
      }
      plans.set(
        node,
        all.sort((x, y) => x.ts - y.ts),
      );
    }
    await feed(T);
  });
  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.endAsync()));
    await th?.stop();
  });

  async function production(query: string): Promise<ProductionBody> {
    const { status, body } = await getJson(`${th.httpUrl}/api/production?${query}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return ProductionBody.parse(body);
  }

  it('at 12:40 the sun covers the neighbourhood: the signal says so, green', async () => {
    // 3000 W produced against 3 × 600 W used: more than enough, a share of 100 %
    let s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    const end = Date.now() + 30_000;
    while (s.production?.share !== 1 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 300));
      s = SignalBody.parse((await getJson(`${th.httpUrl}/api/signal`)).body);
    }
    expect(s.production).toMatchObject({ producedW: 3000, consumedW: 1800, share: 1 });
    expect([s.light, s.reasons]).toEqual(['green', ['sun']]);
    expect(s.words.en).toContain('The sun covers 100 % of the neighbourhood now');
    // the production is its own quantity: the neighbourhood's power does not count it
    const power = await getJson<{ points: { value: number[] } }>(
      `${th.httpUrl}/api/series?quantity=power&from=${at('2026-06-10T12:00')}&to=${at('2026-06-10T12:40')}&step=minute`,
    );
    expect(new Set(power.body.points.value)).toEqual(new Set([1800]));
  });

  it('the next day: the shares of the day by hand, the withheld hour left out, each hour beside', async () => {
    T = at('2026-06-11T12:00');
    await feed(T);
    let day = await production('date=2026-06-10');
    const end = Date.now() + 30_000;
    while (day.total.hours < 23 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 300));
      day = await production('date=2026-06-10');
    }
    expect(day.producing).toBe(true);
    expect(day.total.consumedWh).toBeCloseTo(CONSUMED, 6);
    expect(day.total.producedWh).toBeCloseTo(PRODUCED, 6);
    expect(day.total.selfConsumedWh).toBeCloseTo(USED_LOCALLY, 6);
    expect(day.total.selfSufficiency).toBeCloseTo(USED_LOCALLY / CONSUMED, 9);
    expect(day.total.selfConsumption).toBeCloseTo(USED_LOCALLY / PRODUCED, 9);
    expect([day.total.hours, day.total.withheldHours]).toEqual([23, 1]);
    const noon = day.buckets.find((b) => b.t === at('2026-06-10T12:00'));
    expect([noon?.consumedWh, noon?.producedWh, noon?.selfConsumedWh]).toEqual([1500, 3000, 1500]);
  });

  it('a month: the day among its days, the same shares; a bad month is one line', async () => {
    const month = await production('month=2026-06');
    expect(month.buckets.map((b) => b.t)).toEqual([at('2026-06-10T00:00')]);
    expect(month.total.selfConsumedWh).toBeCloseTo(USED_LOCALLY, 6);
    const bad = await getJson(`${th.httpUrl}/api/production?month=2026-13`);
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toBe('"month" must read YYYY-MM');
  });
});
