import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryViolations } from './support/ha-discovery-rules.ts';
import { addDevice, mosquittoPub, until } from './support/interop-client.ts';
import { connectNode, sendMeta, sendReadings } from './support/mqtt-node.ts';
import { threeHouseholds } from './support/neighbourhood.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

type Config = Record<string, unknown> & {
  unique_id: string;
  name: string;
  state_topic: string;
  availability: Array<{ topic: string }>;
  device: { name: string; identifiers: string[] };
};

const COLLECTIVE_POWER = 'homeassistant/sensor/communs_communs_collective_power/config';
const COLLECTIVE_ENERGY = 'homeassistant/sensor/communs_communs_collective_energy/config';

describe('interop: Home Assistant MQTT discovery', () => {
  let th: TestHub;
  let ha: MqttClient;
  const configs = new Map<string, Config | null>();
  const states = new Map<string, string>();
  let secrets: Record<string, string> = {};
  const live = () =>
    new Map([...configs].filter((e): e is [string, Config] => e[1] !== null)) as Map<string, Config>;

  beforeAll(async () => {
    th = await startTestHub();
    // three community households and three private ones, whose figures the rule may publish
    secrets = await threeHouseholds(th, [100, 200, 300], 3);
    const secret = await addDevice(th, 'device add ha-alice --format homeassistant');
    expect((await th.run('ha discovery on')).code).toBe(0);
    ha = await mqtt.connectAsync(th.mqttUrl, {
      username: 'ha-alice',
      password: secret,
      clientId: 'ha-alice',
      reconnectPeriod: 0,
    });
    ha.on('message', (topic, payload) => {
      if (topic.endsWith('/config'))
        configs.set(topic, payload.length ? JSON.parse(payload.toString()) : null);
      else states.set(topic, payload.toString());
    });
    await ha.subscribeAsync({ 'homeassistant/#': { qos: 1 }, 'communs/v1/ha/#': { qos: 0 } });
  });
  afterAll(async () => {
    await ha?.endAsync();
    await th.stop();
  });

  it('a subscriber sees retained configs with full keys, classes and units, only for what sharing allows', async () => {
    // the collective figure's config comes with its first published minute (docs/PRIVACY.md)
    const power = await until(() => configs.get(COLLECTIVE_POWER), 90_000);
    expect(power).toMatchObject({
      unique_id: 'communs_communs_collective_power',
      device_class: 'power',
      state_class: 'measurement',
      unit_of_measurement: 'W',
      origin: { name: 'Communs' },
      device: { identifiers: ['communs_communs'], manufacturer: 'Communs' },
    });
    const energy = await until(() => configs.get('homeassistant/sensor/communs_communs_n1_energy/config'));
    expect(energy).toMatchObject({
      device_class: 'energy',
      state_class: 'total_increasing',
      unit_of_measurement: 'kWh',
    });
    expect(energy?.state_topic).toBe('communs/v1/ha/communs/n1/energy');
    // the private household's series is never offered
    expect([...configs.keys()].some((t) => t.includes('secret_node'))).toBe(false);
  });

  it('states follow readings: the collective figure as the rule published it, series as they arrive', async () => {
    // 100 + 200 + 300 W shared, and 3 × 50 W of private households counted anonymously
    await until(() => states.get('communs/v1/ha/communs/collective/power') === '750', 30_000);
    const n2 = await connectNode(th.mqttUrl, 'n2', secrets.n2 ?? '');
    const ts = Date.now();
    await sendReadings(n2, 'n2', [
      { sensor: 'power', quantity: 'power', unit: 'W', value: 210, ts, seq: 3 },
      { sensor: 'energy', quantity: 'energy', unit: 'kWh', value: 10.0005, ts, seq: 4 },
    ]);
    await n2.endAsync();
    expect(await until(() => states.get('communs/v1/ha/communs/n2/power'))).toBe('210');
    // energy goes out as the meter's running total in kWh, not as the stored delta
    expect(await until(() => states.get('communs/v1/ha/communs/n2/energy'))).toBe('10.0005');
    expect([...states.keys()].some((t) => t.includes('secret-node'))).toBe(false);
  });

  it('every config follows the discovery rules Home Assistant documents (default_entity_id, availability, names, units)', async () => {
    await until(() => configs.get('homeassistant/sensor/communs_communs_n3_energy/config'));
    expect(discoveryViolations(live())).toEqual([]);
    const power = configs.get(COLLECTIVE_POWER);
    expect(power).not.toHaveProperty('object_id');
    expect(power?.default_entity_id).toBe('sensor.communs_communs_collective_power');
  });

  it("the neighbourhood's signal is a text sensor: the light read from the retained signal, the message as attributes", async () => {
    const topic = 'homeassistant/sensor/communs_communs_signal/config';
    const c = await until(() => configs.get(topic));
    expect(discoveryViolations(live())).toEqual([]);
    expect(c).toMatchObject({
      name: 'Neighbourhood signal',
      state_topic: 'communs/v1/public/signal',
      value_template: '{{ value_json.light }}',
      json_attributes_topic: 'communs/v1/public/signal',
      default_entity_id: 'sensor.communs_communs_signal',
    });
    // a text sensor: no unit, class or state class, or Home Assistant expects a number
    for (const key of ['unit_of_measurement', 'device_class', 'state_class'])
      expect(c).not.toHaveProperty(key);
    // the topic it reads is there, retained, for this Home Assistant to read: the light is in it
    await ha.subscribeAsync({ 'communs/v1/public/signal': { qos: 1 } });
    const signal = JSON.parse(await until(() => states.get('communs/v1/public/signal'))) as { light: string };
    expect(['green', 'neutral', 'orange', 'red']).toContain(signal.light);
  });

  it("every config's availability follows its node's state, and the hub's", async () => {
    const n2 = configs.get('homeassistant/sensor/communs_communs_n2_power/config');
    const topics = n2?.availability.map((a) => a.topic) ?? [];
    expect(topics).toEqual(['communs/v1/ha/communs/availability', 'communs/v1/ha/communs/n2/availability']);
    expect(n2?.availability_mode).toBe('all');
    expect(await until(() => states.get('communs/v1/ha/communs/availability'))).toBe('online');
    expect(await until(() => states.get('communs/v1/ha/communs/n2/availability'))).toBe('online');
    // the node says it goes away (as its last will would)
    await mosquittoPub(
      th.mqttPort,
      'n2',
      secrets.n2 ?? '',
      'communs/v1/nodes/n2/status',
      '{"state":"offline"}',
    );
    await until(() => states.get('communs/v1/ha/communs/n2/availability') === 'offline' || undefined);
  });

  it('entities of one device are named by quantity, not all after the sensor label', async () => {
    const { secret } = await th.addNode('salon', { household: 'h1' });
    const c = await connectNode(th.mqttUrl, 'salon', secret);
    await sendMeta(c, 'salon', [
      { id: 'bme-t', quantity: 'temperature', unit: '°C', label: 'BME280' },
      { id: 'bme-h', quantity: 'humidity', unit: '%', label: 'BME280' },
      { id: 'bme-p', quantity: 'pressure', unit: 'hPa', label: 'BME280' },
    ]);
    await c.endAsync();
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    const names = await until(() => {
      const mine = [...live().values()].filter((x) => x.device.identifiers[0]?.endsWith('_salon'));
      return mine.length === 3 ? mine.map((x) => x.name).sort() : undefined;
    });
    expect(names).toEqual(['BME280 humidity', 'BME280 pressure', 'BME280 temperature']);
    expect(discoveryViolations(live())).toEqual([]);
  });

  it('a collective figure the rule withholds gets no config at all', async () => {
    // CO2 from one community and one private household: a remainder of one household is withheld
    const minuteAgo = Math.floor(Date.now() / 60_000) * 60_000 - 30_000;
    for (const n of ['n1', 'secret-node']) {
      const c = await connectNode(th.mqttUrl, n, secrets[n] ?? '');
      await sendMeta(c, n, [
        { id: 'power', quantity: 'power', unit: 'W' },
        { id: 'energy', quantity: 'energy', unit: 'kWh' },
        { id: 'co2', quantity: 'co2', unit: 'ppm' },
      ]);
      await sendReadings(c, n, [
        { sensor: 'co2', quantity: 'co2', unit: 'ppm', value: 600, ts: minuteAgo, seq: 50 },
      ]);
      await c.endAsync();
    }
    // the minute is decided once it has settled: the public series says it is withheld
    const minute = Math.floor(minuteAgo / 60_000) * 60_000;
    const gap = await until(async () => {
      const url = `${th.httpUrl}/api/series?quantity=co2&step=minute&from=${minute}&to=${minute + 60_000}`;
      const body = (await (await fetch(url)).json()) as { gaps?: { from: number; reason: string }[] };
      return body.gaps?.find((g) => g.from === minute);
    }, 90_000);
    expect(gap.reason).toBe('too_few');
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await until(() => configs.get('homeassistant/sensor/communs_communs_n1_co2/config'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(configs.has('homeassistant/sensor/communs_communs_collective_co2/config')).toBe(false);
  }, 120_000);

  it('the collective energy is a kWh total_increasing entity: the sum of the hours the rule published', async () => {
    // three more households with a meter each, read twice in an hour long settled
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    for (const n of ['e1', 'e2', 'e3']) {
      const { secret } = await th.addNode(n, { household: `h-${n}`, sharing: 'private' });
      const c = await connectNode(th.mqttUrl, n, secret);
      await sendMeta(c, n, [{ id: 'meter', quantity: 'energy', unit: 'kWh' }]);
      await sendReadings(c, n, [
        { sensor: 'meter', quantity: 'energy', unit: 'kWh', value: 5, ts: hour + 10 * 60_000, seq: 1 },
        { sensor: 'meter', quantity: 'energy', unit: 'kWh', value: 5.05, ts: hour + 20 * 60_000, seq: 2 },
      ]);
      await c.endAsync();
    }
    // 3 × 50 Wh in that hour; the hours since add what the rule published of them (nothing here)
    expect(await until(() => states.get('communs/v1/ha/communs/collective/energy'), 90_000)).toBe('0.15');
    const energy = await until(() => configs.get(COLLECTIVE_ENERGY));
    expect(energy).toMatchObject({
      device_class: 'energy',
      state_class: 'total_increasing',
      unit_of_measurement: 'kWh',
    });
    expect(discoveryViolations(live())).toEqual([]);
  }, 120_000);

  it('unique ids and state topics stay when the neighbourhood is renamed', async () => {
    const ids = [...live().values()].map((x) => x.unique_id).sort();
    expect((await th.run('settings set neighbourhood "Quartier Nord"')).code).toBe(0);
    configs.clear();
    await ha.publishAsync('homeassistant/status', 'online', { qos: 1 });
    const power = await until(() => configs.get(COLLECTIVE_POWER));
    expect(power?.device.name).toBe('Communs Quartier Nord');
    await until(() => (live().size >= ids.length ? true : undefined));
    expect([...live().values()].map((x) => x.unique_id).sort()).toEqual(ids);
    expect(power?.state_topic).toBe('communs/v1/ha/communs/collective/power');
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
    await until(() => configs.get(COLLECTIVE_POWER));
    await new Promise((r) => setTimeout(r, 200));
    expect(configs.has(topic)).toBe(false);
  });

  it("a resident's Home Assistant may publish only homeassistant/status and read no node's topics", async () => {
    await expect(ha.subscribeAsync('communs/v1/nodes/#')).rejects.toThrow();
    const other = await mqtt
      .connectAsync(th.mqttUrl, {
        username: 'ha-alice',
        password: 'wrong',
        clientId: 'ha-alice:other',
        reconnectPeriod: 0,
      })
      .catch((e: Error) => e);
    expect(other).toBeInstanceOf(Error);
  });

  it('ha discovery off withdraws the configs (empty retained payloads)', async () => {
    configs.clear();
    await th.run('ha discovery off');
    await until(() => configs.has(COLLECTIVE_POWER));
    expect(configs.get(COLLECTIVE_POWER)).toBeNull();
  });

  it('discovery listens to stored readings only while it is on: off, ingest makes no live event per reading', async () => {
    // no live client is connected: discovery is the only listener ingest could build events for
    expect(th.hub.bus.listenerCount('reading')).toBe(0);
    await th.run('ha discovery on');
    expect(th.hub.bus.listenerCount('reading')).toBe(1);
    await th.run('ha discovery off');
    expect(th.hub.bus.listenerCount('reading')).toBe(0);
  });
});

describe('interop: Home Assistant discovery turned on after a figure was published', () => {
  it("sends the figure's state with its config at once, not only with the next minute", async () => {
    // the households report in the minute before this one: the hub's clock is held a minute behind
    // until all have (their minute is then still open), then moved 80 s ahead (it has settled)
    let ahead = -60_000;
    const th = await startTestHub({ now: () => Date.now() + ahead });
    let ha: MqttClient | undefined;
    try {
      await threeHouseholds(th, [100, 200, 300], 3);
      ahead = 80_000;
      await until(async () => {
        const body = (await (await fetch(`${th.httpUrl}/api/series?quantity=power&step=minute`)).json()) as {
          points: { value: number[] };
        };
        return body.points.value.at(-1);
      }, 20_000);
      const secret = await addDevice(th, 'device add ha-bob --format homeassistant');
      expect((await th.run('ha discovery on')).code).toBe(0);
      ha = await mqtt.connectAsync(th.mqttUrl, {
        username: 'ha-bob',
        password: secret,
        clientId: 'ha-bob',
        reconnectPeriod: 0,
      });
      const states = new Map<string, string>();
      ha.on('message', (topic, payload) => states.set(topic, payload.toString()));
      await ha.subscribeAsync({ 'communs/v1/ha/#': { qos: 1 } });
      expect(await until(() => states.get('communs/v1/ha/communs/collective/power'), 5_000)).toBe('750');
      expect(await until(() => states.get('communs/v1/ha/communs/collective/power/availability'))).toBe(
        'online',
      );
    } finally {
      await ha?.endAsync();
      await th.stop();
    }
  });
});
