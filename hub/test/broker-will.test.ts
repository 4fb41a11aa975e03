import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodesBody } from '../../protocol/index.ts';
import { addDevice, mosquittoPub, until } from '../../tests/support/interop-client.ts';
import { PahoDevice } from '../../tests/support/paho-device.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

async function stateOf(th: TestHub, id: string): Promise<string | undefined> {
  const body = (await (await fetch(`${th.httpUrl}/api/nodes`)).json()) as NodesBody;
  return body.nodes.find((n) => n.id === id)?.state;
}

describe('last wills at QoS 1 (MQTT-3.1.2-8: published when the network connection is closed)', () => {
  let th: TestHub;
  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(() => th.stop());

  it("a native node's QoS 1 will (mosquitto_sub --will-qos 1) marks it offline the moment its socket dies", async () => {
    const { secret } = await th.addNode('will-native');
    const sub = spawn('mosquitto_sub', [
      ...['-h', '127.0.0.1', '-p', String(th.mqttPort), '-u', 'will-native', '-P', secret],
      ...['-i', 'will-native:sub', '-t', 'communs/v1/nodes/will-native/status'],
      ...['--will-topic', 'communs/v1/nodes/will-native/status', '--will-payload', '{"state":"offline"}'],
      ...['--will-qos', '1', '--will-retain'],
    ]);
    await until(() => th.hub.ctx.connectedNodes().has('will-native') || undefined);
    await mosquittoPub(
      th.mqttPort,
      'will-native',
      secret,
      'communs/v1/nodes/will-native/status',
      '{"state":"online"}',
    );
    expect(await stateOf(th, 'will-native')).toBe('online');
    sub.kill('SIGKILL');
    expect(
      await until(async () => ((await stateOf(th, 'will-native')) === 'offline' ? true : undefined), 5000),
    ).toBe(true);
  });

  it('a stock Tasmota (paho, LWT "Offline" at QoS 1, retained) goes offline when it loses power', async () => {
    th.addHousehold('h-will', 'community');
    const secret = await addDevice(
      th,
      'device add will-plug --format tasmota --topic will_plug --household h-will',
    );
    const plug = new PahoDevice({
      port: th.mqttPort,
      user: 'will-plug',
      password: secret,
      clientId: 'will-plug', // the MqttClient the setup line of device add gives
      will: { topic: 'tele/will_plug/LWT', payload: 'Offline', qos: 1, retain: true },
    });
    try {
      await plug.waitFor((e) => e.event === 'connected' && e.rc === 0);
      plug.publish({ topic: 'tele/will_plug/LWT', payload: 'Online', qos: 1, retain: true });
      await plug.waitFor((e) => e.event === 'published');
      expect(await stateOf(th, 'will-plug')).toBe('online');
    } finally {
      await plug.kill();
    }
    expect(
      await until(async () => ((await stateOf(th, 'will-plug')) === 'offline' ? true : undefined), 5000),
    ).toBe(true);
  });
});
