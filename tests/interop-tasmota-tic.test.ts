import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, lastValue, localTime, mosquittoPub, until } from './support/interop-client.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

/**
 * A Tasmota built with Teleinfo on a Linky, through Debian's mosquitto_pub: its TIC block gives the
 * same series the node agent's reader gives, and the hub keeps the tariff period like an agent's.
 */
describe('interop: Tasmota + Teleinfo', () => {
  let th: TestHub;
  let secret = '';
  const pub = (message: object) =>
    mosquittoPub(th.mqttPort, 'denky', secret, 'tele/denky_D6C0C0/SENSOR', JSON.stringify(message));

  beforeAll(async () => {
    th = await startTestHub();
    th.addHousehold('h-tic', 'community');
    secret = await addDevice(th, 'device add denky --format tasmota --topic denky_D6C0C0 --household h-tic');
  });
  afterAll(() => th.stop());

  it('stores the TIC registers and apparent power, and keeps the contract and the period', async () => {
    const tic = (papp: number, hchp: number, ptec: string) => ({
      ADCO: '021528603314',
      OPTARIF: 'BBR(',
      ISOUSC: 30,
      BBRHCJB: 920750,
      BBRHPJB: hchp,
      BBRHCJW: 1000,
      BBRHPJW: 2000,
      BBRHCJR: 300,
      BBRHPJR: 400,
      PTEC: ptec,
      DEMAIN: '----',
      IINST: 1,
      PAPP: papp,
    });
    await pub({
      Time: localTime(Date.now() - 20_000),
      ENERGY: { Total: 3197.95, Power: 170 },
      TIC: tic(170, 2_275_500, 'HPJB'),
    });
    await pub({ TIC: tic(190, 2_275_512, 'HPJB') });
    await pub({ TIC: { DEMAIN: 'ROUG' } });
    expect(
      await until(() => lastValue(th, 'denky/apparent-power').then((v) => (v === 190 ? v : undefined))),
    ).toBe(190);
    const sensors = th.hub.store.registry.sensorsOf('denky');
    expect(sensors.find((s) => s.sensor === 'bbrhpjb')).toMatchObject({
      quantity: 'energy',
      part_of: 'energy',
    });
    expect(sensors.find((s) => s.sensor === 'bbrhpjb')?.last_total).toBe(2_275_512);
    expect(th.hub.store.registry.meters.get('denky')).toMatchObject({
      kind: 'tic',
      option: 'BBR(',
      subscribed_a: 30,
      period: 'HPJB',
      tempo_today: 'blue',
      tempo_tomorrow: 'red',
    });
    expect(JSON.stringify(sensors)).not.toContain('021528603314');
  });
});
