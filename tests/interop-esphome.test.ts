import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo, NodesBody } from '../protocol/index.ts';
import { addDevice, lastValue, until } from './support/interop-client.ts';
import { PahoDevice } from './support/paho-device.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

async function node(th: TestHub, id: string): Promise<NodeInfo | undefined> {
  const body = (await (await fetch(`${th.httpUrl}/api/nodes`)).json()) as NodesBody;
  return body.nodes.find((n) => n.id === id);
}

/**
 * Stock ESPHome, played by paho: its node name ("capteur-salon") names its discovery topics, its
 * `topic_prefix` ("maison/salon") its state topics, and its will is `<prefix>/status` offline.
 */
function esphome(th: TestHub, user: string, password: string, prefix: string): PahoDevice {
  return new PahoDevice({
    port: th.mqttPort,
    user,
    password,
    clientId: user, // the client_id the setup line of device add gives
    will: { topic: `${prefix}/status`, payload: 'offline', qos: 1, retain: true },
  });
}

describe('interop: ESPHome whose node name is not its topic prefix (paho as stock ESPHome)', () => {
  let th: TestHub;
  beforeAll(async () => {
    th = await startTestHub();
    th.addHousehold('h1', 'community');
  });
  afterAll(() => th.stop());

  it('a prefix with "/" is accepted; discovery under the node name is learned and the device stays connected', async () => {
    const secret = await addDevice(
      th,
      'device add salon --format esphome --topic maison/salon --household h1',
    );
    const esp = esphome(th, 'salon', secret, 'maison/salon');
    try {
      await esp.waitFor((e) => e.event === 'connected' && e.rc === 0);
      esp.publish({ topic: 'maison/salon/status', payload: 'online', retain: true });
      esp.publish({
        topic: 'homeassistant/sensor/capteur-salon/temperature/config',
        retain: true,
        payload: JSON.stringify({
          dev_cla: 'temperature',
          unit_of_meas: '°C',
          stat_cla: 'measurement',
          name: 'Temperature',
          stat_t: 'maison/salon/sensor/temperature/state',
          avty_t: 'maison/salon/status',
          uniq_id: 'ESPsensortemperature',
          dev: { ids: 'a4cf12', name: 'capteur-salon', sw: 'esphome v2024.6.1', mdl: 'esp01_1m' },
        }),
      });
      esp.publish({
        topic: 'homeassistant/binary_sensor/capteur-salon/status/config',
        payload: '{}',
        retain: true,
      });
      esp.publish({ topic: 'maison/salon/sensor/temperature/state', payload: '21.5' });
      expect(await until(() => lastValue(th, 'salon/temperature'))).toBe(21.5);
      expect((await node(th, 'salon'))?.state).toBe('online');
      expect(esp.events.some((e) => e.event === 'disconnected')).toBe(false);
    } finally {
      await esp.kill();
    }
  });

  it("a discovery config naming another prefix's state topic is refused on the device with the fix, without cutting it off", async () => {
    const secret = await addDevice(th, 'device add cuisine --format esphome --topic cuisine --household h1');
    const esp = esphome(th, 'cuisine', secret, 'cuisine');
    try {
      await esp.waitFor((e) => e.event === 'connected' && e.rc === 0);
      esp.publish({
        topic: 'homeassistant/sensor/capteur-cuisine/co2/config',
        payload: JSON.stringify({
          dev_cla: 'carbon_dioxide',
          unit_of_meas: 'ppm',
          stat_t: 'garage/sensor/co2/state',
        }),
      });
      const n = await until(async () => {
        const info = await node(th, 'cuisine');
        return info?.rejectedByReason.topic_denied ? info : undefined;
      });
      expect(n.lastRejections[0]?.detail).toMatch(/garage\/sensor\/co2\/state.*topic_prefix: cuisine/);
      esp.publish({ topic: 'cuisine/status', payload: 'online' });
      await esp.waitFor((e) => e.event === 'published' && e.mid === 2);
      expect(esp.events.some((e) => e.event === 'disconnected')).toBe(false);
    } finally {
      await esp.kill();
    }
  });

  it('a publish outside the device topics is recorded on the device with the fix before the connection is closed', async () => {
    const secret = await addDevice(th, 'device add grenier --format esphome --topic grenier --household h1');
    const esp = esphome(th, 'grenier', secret, 'esp-grenier');
    try {
      await esp.waitFor((e) => e.event === 'connected' && e.rc === 0);
      esp.publish({ topic: 'esp-grenier/sensor/temperature/state', payload: '12' });
      await esp.waitFor((e) => e.event === 'disconnected');
      const n = await until(async () => {
        const info = await node(th, 'grenier');
        return info?.rejectedByReason.topic_denied ? info : undefined;
      });
      const details = n.lastRejections.map((r) => r.detail).join('\n');
      expect(details).toMatch(/esp-grenier\/sensor\/temperature\/state.*--topic grenier.*topic_prefix/);
    } finally {
      await esp.kill();
    }
  });
});
