import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

describe('device add: the setup lines name the ports the hub really listens on', () => {
  let th: TestHub;
  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(() => th.stop());

  const add = async (line: string) => {
    const { code, output } = await th.run(line);
    expect(code).toBe(0);
    // the secret is random text: it must not be taken for a port
    const secret = /password: (\S+)/.exec(output)?.[1] ?? '';
    return output.replaceAll(secret, 'SECRET');
  };

  it('prints the MQTT and HTTP ports of this hub, never the defaults', async () => {
    expect(th.mqttPort).not.toBe(1883);
    const tasmota = await add('device add p1 --format tasmota --topic p_1');
    expect(tasmota).toContain(`MqttPort ${th.mqttPort};`);
    const esphome = await add('device add e1 --format esphome --topic e_1');
    expect(esphome).toContain(`port: ${th.mqttPort}`);
    const emonhub = await add('device add m1 --format emonhub --topic m_1');
    expect(emonhub).toContain(`mqtt_port = ${th.mqttPort}`);
    const airrohr = await add('device add a1 --format airrohr');
    expect(airrohr).toContain(`port ${th.httpPort},`);
    const ha = await add('device add h1 --format homeassistant');
    expect(ha).toContain(`port ${th.mqttPort},`);
    const peer = await add('device add link1 --format peer --topic quartier-sud');
    expect(peer).toContain(`:${th.mqttPort} --user link1`);
    for (const out of [tasmota, esphome, emonhub, airrohr, ha, peer])
      expect(out).not.toMatch(/\b(1883|8080)\b/);
  });

  it("uses the host of the url setting when it is set, and that URL's port for HTTP", async () => {
    expect((await th.run('settings set url http://192.168.1.20:8081')).code).toBe(0);
    expect(await add('device add p2 --format tasmota --topic p_2')).toContain(
      `MqttHost 192.168.1.20; MqttPort ${th.mqttPort};`,
    );
    expect(await add('device add a2 --format airrohr')).toContain(
      'server 192.168.1.20, path /data.php, port 8081,',
    );
    expect(await add('device add e2 --format esphome --topic e_2')).toContain('broker: 192.168.1.20');
  });
});
