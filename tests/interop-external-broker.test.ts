import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../hub/src/hub.ts';
import { topics } from '../protocol/index.ts';
import { lastValue, localTime, mosquittoPub, until } from './support/interop-client.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Debian's mosquitto on a port chosen now, with a generated config (anonymous, loopback only). */
async function startMosquitto(dir: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const proc = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
  await until(
    () =>
      new Promise<boolean | undefined>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(undefined));
      }),
    5000,
  );
  return { port, proc };
}

describe('interop: external broker mode (ingest as a client of Mosquitto)', () => {
  let dir: string;
  let mosquitto: { port: number; proc: ChildProcess };
  let hub: Hub;
  let httpUrl: string;
  const th = () => ({ httpUrl }) as Parameters<typeof lastValue>[0];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-ext-'));
    mosquitto = await startMosquitto(dir);
    hub = new Hub({
      dataDir: path.join(dir, 'data'),
      httpPort: 0,
      mqttPort: 0,
      host: '127.0.0.1',
      commitWindowMs: 20,
      broker: { url: `mqtt://127.0.0.1:${mosquitto.port}` },
      log: () => {},
    });
    const urls = await hub.start();
    httpUrl = urls.http.replace(/\/$/, '');
    hub.store.registry.addHousehold({ id: 'h1', name: 'H1', sharing: 'community' });
    await hub.store.registry.addNode({ id: 'node-ext', household: 'h1' });
    const out: string[] = [];
    await hub.commands.run(hub.ctx, 'device add plug-ext --format tasmota --topic plug_ext --household h1', {
      who: 'test',
      out: (l) => out.push(l),
    });
  });
  afterAll(async () => {
    await hub?.stop();
    mosquitto?.proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs no embedded broker: the MQTT URL it reports is the external one', () => {
    expect(hub.urls().mqtt).toBe(`mqtt://127.0.0.1:${mosquitto.port}`);
    expect(hub.broker).toBeUndefined();
  });

  it('native readings published to Mosquitto reach the store', async () => {
    const meta = {
      node: 'node-ext',
      board: 'test',
      sensors: [{ id: 'power', quantity: 'power', unit: 'W' }],
    };
    await mosquittoPub(mosquitto.port, 'x', 'x', topics.meta('node-ext'), JSON.stringify(meta));
    const readings = {
      readings: [{ sensor: 'power', quantity: 'power', unit: 'W', value: 420, ts: Date.now(), seq: 1 }],
    };
    await mosquittoPub(mosquitto.port, 'x', 'x', topics.readings('node-ext'), JSON.stringify(readings));
    expect(await until(() => lastValue(th(), 'node-ext/power'))).toBe(420);
  });

  it('a Tasmota plug on the same broker goes through its adapter (QoS 0, as Tasmota sends)', async () => {
    const msg = { Time: localTime(Date.now() - 1000), ENERGY: { Total: 3.2, Power: 75 } };
    await mosquittoPub(mosquitto.port, 'x', 'x', 'tele/plug_ext/SENSOR', JSON.stringify(msg), { qos: 0 });
    expect(await until(() => lastValue(th(), 'plug-ext/power'))).toBe(75);
  });

  it('an ESPHome with a two-level prefix and another node name: discovery and states found by topic', async () => {
    const out: string[] = [];
    await hub.commands.run(
      hub.ctx,
      'device add esp-ext --format esphome --topic maison/atelier --household h1',
      { who: 'test', out: (l) => out.push(l) },
    );
    const config = { dev_cla: 'humidity', unit_of_meas: '%', stat_t: 'maison/atelier/sensor/hum/state' };
    await mosquittoPub(
      mosquitto.port,
      'x',
      'x',
      'homeassistant/sensor/capteur-atelier/hum/config',
      JSON.stringify(config),
    );
    await until(() => hub.interop.devices.get('esp-ext')?.config.sensors.hum);
    await mosquittoPub(mosquitto.port, 'x', 'x', 'maison/atelier/sensor/hum/state', '61');
    expect(await until(() => lastValue(th(), 'esp-ext/hum'))).toBe(61);
  });

  it('topics of nodes this hub does not know are left alone', async () => {
    const readings = {
      readings: [{ sensor: 'power', quantity: 'power', unit: 'W', value: 1, ts: Date.now(), seq: 1 }],
    };
    await mosquittoPub(mosquitto.port, 'x', 'x', topics.readings('stranger'), JSON.stringify(readings));
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.store.registry.node('stranger')).toBeUndefined();
  });
});
