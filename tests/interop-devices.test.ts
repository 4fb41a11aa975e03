import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodesBody } from '../protocol/index.ts';
import { addDevice, lastValue, localTime, mosquittoPub, series } from './support/interop-client.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

async function node(th: TestHub, id: string) {
  const body = (await (await fetch(`${th.httpUrl}/api/nodes`)).json()) as NodesBody;
  return body.nodes.find((n) => n.id === id);
}

describe('interop: devices people already own, through mosquitto_pub', () => {
  let th: TestHub;
  const secrets: Record<string, string> = {};
  /** the client ids `device add` tells each device to set (emonhub sends none: paho's empty id) */
  const clientIds: Record<string, string> = { plug1: 'plug1', esp1: 'esp1' };
  const pub = (user: string, topic: string, message: string, qos: 0 | 1 = 1) =>
    mosquittoPub(th.mqttPort, user, secrets[user] ?? '', topic, message, {
      qos,
      ...(clientIds[user] ? { clientId: clientIds[user] } : {}),
    });

  beforeAll(async () => {
    th = await startTestHub();
    th.addHousehold('h1', 'community');
    secrets.plug1 = await addDevice(
      th,
      'device add plug1 --format tasmota --topic tasmota_ABC123 --household h1',
    );
    secrets.esp1 = await addDevice(
      th,
      'device add esp1 --format esphome --topic livingroom --household h1 --sensor temp=temperature:°C',
    );
    secrets.emon1 = await addDevice(th, 'device add emon1 --format emonhub --topic emontx4 --household h1');
    secrets.air1 = await addDevice(th, 'device add air1 --format airrohr --topic 13597771 --household h1');
  });
  afterAll(() => th.stop());

  it('Tasmota ENERGY scalars, strings for numbers and local Time become readings', async () => {
    const ts = Date.now() - 60_000;
    await pub(
      'plug1',
      'tele/tasmota_ABC123/SENSOR',
      JSON.stringify({
        Time: localTime(ts),
        ENERGY: {
          TotalStartTime: '2024-01-01T00:00:00',
          Total: 12.5,
          Yesterday: 1.1,
          Today: 0.4,
          Period: 3,
          Power: 230,
          Voltage: '231',
          Current: '1.02',
          Factor: 0.97,
        },
      }),
    );
    expect(await lastValue(th, 'plug1/power')).toBe(230);
    expect(await lastValue(th, 'plug1/voltage')).toBe(231);
    expect(await lastValue(th, 'plug1/current')).toBeCloseTo(1.02);
    const power = await series(th, 'sensor=plug1/power&step=raw');
    // Time without an offset is the hub's local time: second precision
    expect(Math.abs((power.points.t[0] ?? 0) - ts)).toBeLessThan(1000);
  });

  it('Tasmota per-phase arrays, COUNTER and climate blocks (BME280, SDS0X1, SCD40) map to one series each', async () => {
    await pub(
      'plug1',
      'tele/tasmota_ABC123/SENSOR',
      JSON.stringify({
        Time: localTime(Date.now() - 30_000),
        ENERGY: { Total: 12.6, Power: [100, 200, 300], Voltage: [230, 231, 229] },
        COUNTER: { C1: 1500 },
        BME280: { Temperature: 21.4, Humidity: 45.2, DewPoint: 9, Pressure: 1013.2 },
        SDS0X1: { 'PM2.5': 7.1, PM10: 12.3 },
        SCD40: { CarbonDioxide: 650, eCO2: 600, Temperature: 22, Humidity: 40 },
        TempUnit: 'C',
      }),
    );
    expect(await lastValue(th, 'plug1/power-l2')).toBe(200);
    expect(await lastValue(th, 'plug1/voltage-l3')).toBe(229);
    expect(await lastValue(th, 'plug1/bme280-pressure')).toBeCloseTo(1013.2);
    expect(await lastValue(th, 'plug1/sds0x1-pm10')).toBeCloseTo(12.3);
    expect(await lastValue(th, 'plug1/scd40-co2')).toBe(650);
    // a counter's first total is its baseline: Total 12.5 → 12.6 kWh is 100 Wh
    const energy = await series(th, 'sensor=plug1/energy&step=raw');
    expect(energy.points.value.reduce((a, b) => a + b, 0)).toBeCloseTo(100);
  });

  it('Tasmota garbage is rejected with a reason and counted; the other readings of the message stay', async () => {
    await pub('plug1', 'tele/tasmota_ABC123/SENSOR', '{"ENERGY":{"Power":"abc","Voltage":232}}');
    await pub('plug1', 'tele/tasmota_ABC123/SENSOR', 'not json');
    expect(await lastValue(th, 'plug1/voltage')).toBe(232);
    const n = await node(th, 'plug1');
    expect(n?.rejectedByReason.not_finite).toBeGreaterThanOrEqual(1);
    expect(n?.rejectedByReason.bad_json).toBe(1);
  });

  it('Tasmota STATE and LWT set RSSI and online/offline', async () => {
    await pub(
      'plug1',
      'tele/tasmota_ABC123/STATE',
      JSON.stringify({ UptimeSec: 3723, Wifi: { RSSI: 80, Signal: -61 } }),
    );
    expect((await node(th, 'plug1'))?.rssi).toBe(-61);
    await pub('plug1', 'tele/tasmota_ABC123/LWT', 'Offline');
    expect((await node(th, 'plug1'))?.state).toBe('offline');
    await pub('plug1', 'tele/tasmota_ABC123/LWT', 'Online');
  });

  it('a Tasmota device may not publish outside its own topics, not even the native ones', async () => {
    // its own discovery announcement (Tasmota 9.2+, at each connection) is accepted and ignored
    await pub('plug1', 'tasmota/discovery/AABBCCDDEEFF/config', '{"ip":"192.168.1.20","dn":"Plug"}');
    await expect(pub('plug1', 'tele/other_plug/SENSOR', '{"ENERGY":{"Power":5}}')).rejects.toThrow();
    await expect(pub('plug1', 'communs/v1/nodes/plug1/readings', '{"readings":[]}')).rejects.toThrow();
  });

  it("device add tells Tasmota, ESPHome and Home Assistant their client id; Tasmota's stock DVES_ id is refused (CONNACK 2)", async () => {
    const tasmota = await th.run('device add plug9 --format tasmota --topic tasmota_999999 --household h1');
    expect(tasmota.output).toContain('MqttClient plug9;');
    const esphome = await th.run('device add esp9 --format esphome --topic esp9 --household h1');
    expect(esphome.output).toContain('client_id: esp9');
    const ha = await th.run('device add ha9 --format homeassistant --household h1');
    expect(ha.output).toContain('client ID ha9');
    const secret = /password: (\S+)/.exec(tasmota.output)?.[1] ?? '';
    const message = JSON.stringify({ ENERGY: { Power: 12 } });
    const stock = await mosquittoPub(th.mqttPort, 'plug9', secret, 'tele/tasmota_999999/SENSOR', message, {
      clientId: 'DVES_999999',
    }).catch((e: { stderr: string }) => e);
    expect((stock as { stderr?: string } | undefined)?.stderr).toMatch(/identifier rejected/i);
    await mosquittoPub(th.mqttPort, 'plug9', secret, 'tele/tasmota_999999/SENSOR', message, {
      clientId: 'plug9',
    });
    expect(await lastValue(th, 'plug9/power')).toBe(12);
  });

  it('ESPHome plain-text states use the provisioned unit or the one of its discovery message', async () => {
    await pub('esp1', 'livingroom/sensor/temp/state', '21.5');
    expect(await lastValue(th, 'esp1/temp')).toBe(21.5);
    await pub(
      'esp1',
      'homeassistant/sensor/livingroom/co2/config',
      JSON.stringify({
        name: 'CO2',
        dev_cla: 'carbon_dioxide',
        unit_of_meas: 'ppm',
        stat_t: 'livingroom/sensor/co2/state',
        uniq_id: 'abc',
      }),
    );
    await pub('esp1', 'livingroom/sensor/co2/state', '612');
    expect(await lastValue(th, 'esp1/co2')).toBe(612);
    await pub('esp1', 'livingroom/sensor/mystery/state', '3');
    await pub('esp1', 'livingroom/sensor/temp/state', 'nan');
    await pub('esp1', 'livingroom/status', 'online');
    const n = await node(th, 'esp1');
    expect(n?.rejectedByReason.unknown_field).toBe(1);
    expect(n?.rejectedByReason.not_finite).toBe(1);
    // declared later on the console, the running hub uses the mapping at once
    expect((await th.run('device map esp1 mystery=humidity:%')).code).toBe(0);
    await pub('esp1', 'livingroom/sensor/mystery/state', '48');
    expect(await lastValue(th, 'esp1/mystery')).toBe(48);
  });

  it('emonhub plain numbers per key and the JSON form with its time', async () => {
    await pub('emon1', 'emon/emontx4/P1', '350.5');
    expect(await lastValue(th, 'emon1/p1')).toBe(350.5);
    const time = Math.floor(Date.now() / 1000) - 5;
    await pub(
      'emon1',
      'emon/emontx4',
      JSON.stringify({ msg: 12, V: '240.1', P1: 400, E1: 1000, T1: 19.5, time }),
    );
    expect(await lastValue(th, 'emon1/v')).toBeCloseTo(240.1);
    expect(await lastValue(th, 'emon1/t1')).toBe(19.5);
    const p1 = await series(th, 'sensor=emon1/p1&step=raw');
    expect(p1.points.t).toContain(time * 1000);
    await pub('emon1', 'emon/emontx4/weird', '1');
    expect((await node(th, 'emon1'))?.rejectedByReason.unknown_field).toBe(1);
  });

  it('airrohr: a POST shaped as the firmware sends it is stored; wrong auth 401; malformed 400 with a reason', async () => {
    const auth = (p: string) => `Basic ${Buffer.from(`air1:${p}`).toString('base64')}`;
    const post = (body: string, password = secrets.air1 ?? '') =>
      fetch(`${th.httpUrl}/data.php`, {
        method: 'POST',
        headers: {
          authorization: auth(password),
          'content-type': 'application/json',
          'x-pin': '1',
          'x-sensor': 'esp8266-13597771',
        },
        body,
      });
    const body = {
      esp8266id: '13597771',
      software_version: 'NRZ-2020-133',
      sensordatavalues: [
        { value_type: 'SDS_P1', value: '12.30' },
        { value_type: 'SDS_P2', value: '5.10' },
        { value_type: 'BME280_temperature', value: '21.30' },
        { value_type: 'BME280_pressure', value: '101325.00' },
        { value_type: 'BME280_humidity', value: '45.20' },
        { value_type: 'samples', value: '3045872' },
        { value_type: 'signal', value: '-70' },
      ],
    };
    const ok = await post(JSON.stringify(body));
    expect(ok.status).toBe(200);
    expect(await lastValue(th, 'air1/sds-pm10')).toBeCloseTo(12.3);
    expect(await lastValue(th, 'air1/bme280-pressure')).toBeCloseTo(1013.25);
    expect((await post(JSON.stringify(body), 'wrong')).status).toBe(401);
    const bad = await post('{"sensordatavalues": "nope"}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/bad_schema/);
    expect((await post('x'.repeat(20_000))).status).toBe(413);
    const n = await node(th, 'air1');
    expect(n?.rejectedByReason.bad_schema).toBe(1);
    expect(n?.rssi).toBe(-70);
  });
});
