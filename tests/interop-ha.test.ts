import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaSensorConfig } from '../protocol/interop/home-assistant.ts';
import { addDevice, mosquittoPub, until } from './support/interop-client.ts';
import { connectNode, sendReadings } from './support/mqtt-node.ts';
import { threeHouseholds } from './support/neighbourhood.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

describe('interop: Home Assistant MQTT discovery', () => {
  let th: TestHub;
  let ha: MqttClient;
  const configs = new Map<string, HaSensorConfig | null>();
  const states = new Map<string, string>();
  let secrets: Record<string, string> = {};

  beforeAll(async () => {
    th = await startTestHub();
    secrets = await threeHouseholds(th, [100, 200, 300], 3);
    const secret = await addDevice(th, 'device add ha-alice --format homeassistant');
    expect((await th.run('ha discovery on')).code).toBe(0);
    ha = await mqtt.connectAsync(th.mqttUrl, { username: 'ha-alice', password: secret, reconnectPeriod: 0 });
    ha.on('message', (topic, payload) => {
      if (topic.endsWith('/config'))
        configs.set(
          topic,
          payload.length ? (HaSensorConfig.safeParse(JSON.parse(payload.toString())).data ?? null) : null,
        );
      else states.set(topic, payload.toString());
    });
    await ha.subscribeAsync({ 'homeassistant/#': { qos: 1 }, 'communs/v1/ha/#': { qos: 0 } });
  });
  afterAll(async () => {
    await ha?.endAsync();
    await th.stop();
  });

  it('a subscriber sees retained configs with full keys, classes and units, only for what sharing allows', async () => {
    const power = await until(() =>
      configs.get('homeassistant/sensor/communs_communs_collective_power/config'),
    );
    expect(power).toMatchObject({
      unique_id: 'communs_communs_collective_power',
      device_class: 'power',
      state_class: 'measurement',
      unit_of_measurement: 'W',
      origin: { name: 'Communs' },
      device: { identifiers: ['communs_communs'], manufacturer: 'Communs' },
    });
    const energy = configs.get('homeassistant/sensor/communs_communs_n1_energy/config');
    expect(energy).toMatchObject({
      device_class: 'energy',
      state_class: 'total_increasing',
      unit_of_measurement: 'kWh',
    });
    expect(energy?.state_topic).toBe('communs/v1/ha/communs/n1/energy');
    // the private household's series is never offered
    expect([...configs.keys()].some((t) => t.includes('secret_node'))).toBe(false);
  });

  it('states follow readings: the collective figure once 3 households report, series as they arrive', async () => {
    // three sharing households (100 + 200 + 300 W) and three private ones, counted anonymously (3 × 50 W),
    // once the minute has settled (docs/PRIVACY.md)
    await until(() => states.get('communs/v1/ha/communs/collective/power') === '750', 30_000);
    const n2 = await connectNode(th.mqttUrl, 'n2', secrets.n2 ?? '');
    const ts = Date.now();
    await sendReadings(n2, 'n2', [
      { sensor: 'power', quantity: 'power', unit: 'W', value: 210, ts, seq: 3 },
      { sensor: 'energy', quantity: 'energy', unit: 'kWh', value: 10.5, ts, seq: 4 },
    ]);
    await n2.endAsync();
    expect(await until(() => states.get('communs/v1/ha/communs/n2/power'))).toBe('210');
    // energy goes out as the meter's running total in kWh, not as the stored delta (500 Wh)
    // a state of its own, which may arrive a moment after the power one
    expect(await until(() => states.get('communs/v1/ha/communs/n2/energy'))).toBe('10.5');
    expect([...states.keys()].some((t) => t.includes('secret-node'))).toBe(false);
  });

  it('republishes every config when homeassistant/status says online', async () => {
    configs.clear();
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    // the collective power figure and the power and energy series of the three sharing households
    await until(() => configs.size >= 7);
    expect(configs.get('homeassistant/sensor/communs_communs_collective_power/config')?.device_class).toBe(
      'power',
    );
  });

  it("an ESPHome device's own discovery config does not reach a resident's Home Assistant", async () => {
    th.addHousehold('h-esp', 'community');
    const esp = await addDevice(
      th,
      'device add esp-voisin --format esphome --topic voisin --household h-esp',
    );
    const topic = 'homeassistant/sensor/voisin/temp/config';
    await mosquittoPub(
      th.mqttPort,
      'esp-voisin',
      esp,
      topic,
      '{"dev_cla":"temperature","unit_of_meas":"°C"}',
      {
        retain: true,
      },
    );
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await until(() => configs.size >= 7);
    await new Promise((r) => setTimeout(r, 200));
    expect(configs.has(topic)).toBe(false);
  });

  it("a resident's Home Assistant may publish only homeassistant/status and read no node's topics", async () => {
    await expect(ha.subscribeAsync('communs/v1/nodes/#')).rejects.toThrow();
    const other = await mqtt
      .connectAsync(th.mqttUrl, {
        username: 'ha-alice',
        password: 'wrong',
        reconnectPeriod: 0,
      })
      .catch((e: Error) => e);
    expect(other).toBeInstanceOf(Error);
  });

  it('ha discovery off withdraws the configs (empty retained payloads)', async () => {
    configs.clear();
    await th.run('ha discovery off');
    await until(() => configs.has('homeassistant/sensor/communs_communs_collective_power/config'));
    expect(configs.get('homeassistant/sensor/communs_communs_collective_power/config')).toBeNull();
  });
});
