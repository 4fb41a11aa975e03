import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodesBody, SeriesBody } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

/**
 * A node may declare its sensors in any accepted unit (°F, kWh, Pa); the hub stores canonical values
 * (°C, Wh, hPa). Every API body that carries a value or describes a series gives the canonical unit
 * the values are in; /api/nodes also says which unit the device sends.
 */
describe('units in the API are the canonical ones the values are in', () => {
  let th: TestHub;
  beforeAll(async () => {
    th = await startTestHub();
    const { secret } = await th.addNode('imperial', { sharing: 'community' });
    const c = await connectNode(th.mqttUrl, 'imperial', secret);
    await sendMeta(c, 'imperial', [
      { id: 'temp', quantity: 'temperature', unit: '°F' },
      { id: 'baro', quantity: 'pressure', unit: 'Pa' },
      { id: 'meter', quantity: 'energy', unit: 'kWh' },
    ]);
    const ts = Date.now() - 1000;
    await sendReadings(c, 'imperial', [
      { sensor: 'temp', quantity: 'temperature', unit: '°F', value: 68, ts, seq: 1 },
      { sensor: 'baro', quantity: 'pressure', unit: 'Pa', value: 101_300, ts, seq: 2 },
    ]);
    await c.endAsync();
  });
  afterAll(() => th.stop());

  it('GET /api/nodes gives the unit of /api/series, and the unit the device sends as sourceUnit', async () => {
    const nodes = NodesBody.parse(await (await fetch(`${th.httpUrl}/api/nodes`)).json());
    const sensors = nodes.nodes.find((n) => n.id === 'imperial')?.sensors ?? [];
    const bySensor = Object.fromEntries(sensors.map((s) => [s.id, s]));
    expect(bySensor.temp).toMatchObject({ unit: '°C', sourceUnit: '°F' });
    expect(bySensor.baro).toMatchObject({ unit: 'hPa', sourceUnit: 'Pa' });
    expect(bySensor.meter).toMatchObject({ unit: 'Wh', sourceUnit: 'kWh' });
    const series = SeriesBody.parse(
      await (await fetch(`${th.httpUrl}/api/series?sensor=imperial/temp&step=raw`)).json(),
    );
    expect(series.unit).toBe(bySensor.temp?.unit);
    expect(series.points.value[0]).toBeCloseTo(20);
  });

  it('GET /api/live readings carry the canonical unit of their value', async () => {
    const controller = new AbortController();
    const res = await fetch(`${th.httpUrl}/api/live`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const collect = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += dec.decode(value);
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const { secret } = await th.addNode('imperial-2', { sharing: 'community' });
    const c = await connectNode(th.mqttUrl, 'imperial-2', secret);
    await sendMeta(c, 'imperial-2', [{ id: 'temp', quantity: 'temperature', unit: '°F' }]);
    await sendReadings(c, 'imperial-2', [
      { sensor: 'temp', quantity: 'temperature', unit: '°F', value: 212, ts: Date.now(), seq: 1 },
    ]);
    await c.endAsync();
    await new Promise((r) => setTimeout(r, 800));
    controller.abort();
    await collect;
    const event = text
      .split('\n')
      .filter((l) => l.startsWith('data:') && l.includes('imperial-2/temp'))
      .map((l) => JSON.parse(l.slice(5)) as { unit: string; value: number })[0];
    expect(event).toMatchObject({ unit: '°C', value: 100 });
  });
});
