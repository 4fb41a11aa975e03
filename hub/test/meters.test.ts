import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MetaMessage,
  type Reading,
  SeriesBody,
  type StatusMessage,
  topics,
} from '../../protocol/index.ts';
import { eventually } from '../../tests/e2e/agent-support.ts';
import { connectNode, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { HA_CLASSES } from '../src/interop/ha-classes.ts';

/**
 * Nodes reading a utility meter's own output: the meter's registers are parts of its total, which
 * collective figures must count once; the contract and the tariff period are kept for other hub code.
 */
describe('utility meters at the hub', () => {
  let th: TestHub;
  const clients: MqttClient[] = [];
  const HOUR = 3_600_000;
  // in the hour before this one: closed, so the publisher decides its buckets (docs/PRIVACY.md)
  const t0 = Math.floor(Date.now() / HOUR) * HOUR - HOUR + 10 * 60_000;
  // three private households, alike: hidden from each other, none dominating, so figures publish
  const HOMES = ['linky-a', 'linky-b', 'linky-c'];

  const SENSORS: MetaMessage['sensors'] = [
    { id: 'east', quantity: 'energy', unit: 'Wh' },
    { id: 'easf01', quantity: 'energy', unit: 'Wh', partOf: 'east' },
    { id: 'easf02', quantity: 'energy', unit: 'Wh', partOf: 'east' },
    { id: 'apparent-power', quantity: 'apparent_power', unit: 'VA' },
    { id: 'apparent-power-l1', quantity: 'apparent_power', unit: 'VA', partOf: 'apparent-power' },
    // declared as a part of a whole the node never declares: it counts
    { id: 'eait', quantity: 'energy_exported', unit: 'Wh', partOf: 'nothing-here' },
  ];

  /** Two frames a minute apart: EAST moves by 100 Wh, split 40/60 between the two registers. */
  function readings(): Reading[] {
    const out: Reading[] = [];
    let seq = 0;
    for (const [i, ts] of [t0, t0 + 60_000].entries()) {
      const add = (sensor: string, quantity: Reading['quantity'], unit: string, value: number) =>
        out.push({ sensor, quantity, unit, value, ts, seq: seq++ });
      add('east', 'energy', 'Wh', 10_000 + 100 * i);
      add('easf01', 'energy', 'Wh', 4_000 + 40 * i);
      add('easf02', 'energy', 'Wh', 6_000 + 60 * i);
      add('apparent-power', 'apparent_power', 'VA', 900);
      add('apparent-power-l1', 'apparent_power', 'VA', 900);
      add('eait', 'energy_exported', 'Wh', 500 + 10 * i);
    }
    return out;
  }

  beforeAll(async () => {
    th = await startTestHub();
    for (const id of HOMES) {
      const { secret } = await th.addNode(id, { sharing: 'private' });
      const c = await connectNode(th.mqttUrl, id, secret);
      clients.push(c);
      const meta: MetaMessage = {
        node: id,
        board: 'linky',
        sensors: SENSORS,
        meter: { kind: 'tic', mode: 'standard', phases: 1, option: 'TEMPO', subscribedVA: 9000 },
      };
      await c.publishAsync(topics.meta(id), JSON.stringify(meta), { qos: 1, retain: true });
      await sendReadings(c, id, readings());
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync();
    await th.stop();
  });

  /** The published figure, once the publisher has decided it (counters by the hour, gauges by the minute). */
  const collective = async (quantity: string, step: 'hour' | 'minute') => {
    const url = `${th.httpUrl}/api/series?quantity=${quantity}&from=${t0 - HOUR}&to=${t0 + HOUR}&step=${step}`;
    return eventually(async () => {
      // a keep-alive socket of the hub before its restart fails once: ask again
      const res = await fetch(url).catch(() => fetch(url));
      const body = SeriesBody.parse(await res.json());
      return body.points.value.some((v) => v !== null) ? body : undefined;
    });
  };
  const sum = (body: SeriesBody) => body.points.value.reduce((a: number, v) => a + (v ?? 0), 0);

  it('counts a meter total once in the collective energy, not again through its registers', async () => {
    const body = await collective('energy', 'hour');
    expect(body.households).toBe(3);
    expect(sum(body)).toBe(300); // 100 Wh a home, not 200
  });

  it('sums whole apparent power only, and counts a part whose whole was never declared', async () => {
    const power = await collective('apparent_power', 'minute');
    expect(Math.max(...power.points.value.map((v) => v ?? 0))).toBe(2700);
    expect(sum(await collective('energy_exported', 'hour'))).toBe(30);
  });

  it('keeps the contract from the meta and the tariff period and Tempo colours from the status', async () => {
    const status: StatusMessage = {
      state: 'online',
      meter: { period: 'HP BLEU', index: 2, offPeak: false, tempoToday: 'blue', tempoTomorrow: 'red' },
    };
    await clients[1]?.publishAsync(topics.status('linky-b'), JSON.stringify(status), {
      qos: 1,
      retain: true,
    });
    const row = th.hub.store.registry.meters.get('linky-b');
    expect(row).toMatchObject({
      kind: 'tic',
      mode: 'standard',
      option: 'TEMPO',
      subscribed_va: 9000,
      period: 'HP BLEU',
      period_index: 2,
      off_peak: 0,
      tempo_today: 'blue',
      tempo_tomorrow: 'red',
    });
    expect(th.hub.store.registry.meters.latestTempo()).toMatchObject({
      node: 'linky-b',
      today: 'blue',
      tomorrow: 'red',
    });
    // a status without the meter (the agent's periodic one before any frame) changes nothing of it
    await clients[1]?.publishAsync(topics.status('linky-b'), JSON.stringify({ state: 'online' }), { qos: 1 });
    expect(th.hub.store.registry.meters.get('linky-b')?.period).toBe('HP BLEU');
  });

  it('keeps them across a restart, and erases them with the household', async () => {
    await th.restart();
    expect(th.hub.store.registry.meters.get('linky-b')?.tempo_tomorrow).toBe('red');
    expect(sum(await collective('energy', 'hour'))).toBe(300);
    const { code } = await th.run('household erase h-linky-b --yes');
    expect(code).toBe(0);
    expect(th.hub.store.registry.meters.get('linky-b')).toBeUndefined();
    expect(th.hub.store.registry.meters.get('linky-a')).toBeDefined();
  });

  it('gives Home Assistant the device classes of the new quantities', () => {
    expect(HA_CLASSES.apparent_power).toMatchObject({ deviceClass: 'apparent_power', unit: 'VA' });
    expect(HA_CLASSES.energy_exported).toMatchObject({
      deviceClass: 'energy',
      stateClass: 'total_increasing',
    });
    expect(HA_CLASSES.gas).toMatchObject({ deviceClass: 'gas', unit: 'm³' });
  });
});
