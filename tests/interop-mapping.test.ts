import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo, NodesBody } from '../protocol/index.ts';
import { addDevice, lastValue, mosquittoPub, until } from './support/interop-client.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

async function node(th: TestHub, id: string): Promise<NodeInfo | undefined> {
  const body = (await (await fetch(`${th.httpUrl}/api/nodes`)).json()) as NodesBody;
  return body.nodes.find((n) => n.id === id);
}

/** The quantity each sensor of a node was declared with, by sensor id. */
async function quantities(th: TestHub, id: string): Promise<Record<string, string>> {
  return Object.fromEntries((await node(th, id))?.sensors.map((s) => [s.id, s.quantity]) ?? []);
}

describe('interop: what devices commonly send is mapped, the rest is reported (mosquitto_pub, HTTP)', () => {
  let th: TestHub;
  const secrets: Record<string, string> = {};
  const pub = (user: string, topic: string, message: string) =>
    mosquittoPub(th.mqttPort, user, secrets[user] ?? '', topic, message);

  beforeAll(async () => {
    th = await startTestHub();
    th.addHousehold('h1', 'community');
    secrets.plug = await addDevice(th, 'device add plug --format tasmota --topic tasmota_E1 --household h1');
    secrets.tariff = await addDevice(
      th,
      'device add tariff --format tasmota --topic tasmota_T1 --household h1',
    );
    secrets.emonth = await addDevice(th, 'device add emonth --format emonhub --topic emonth5 --household h1');
    secrets.esp = await addDevice(th, 'device add esp --format esphome --topic atelier --household h1');
    secrets.air = await addDevice(th, 'device add air --format airrohr --household h1');
  });
  afterAll(() => th.stop());

  it('Tasmota ApparentPower (VA), ReactivePower (var), Frequency (Hz), ExportActive become series', async () => {
    await pub(
      'plug',
      'tele/tasmota_E1/SENSOR',
      JSON.stringify({
        ENERGY: {
          TotalStartTime: '2024-01-01T00:00:00',
          Total: 100.5,
          Yesterday: 1,
          Today: 0.5,
          Power: 460,
          ApparentPower: 500,
          ReactivePower: 196,
          Factor: 0.92,
          Frequency: 50.02,
          Voltage: 230,
          Current: 2.17,
          ExportActive: 12.25,
        },
      }),
    );
    expect(await lastValue(th, 'plug/apparent-power')).toBe(500);
    expect(await lastValue(th, 'plug/reactive-power')).toBe(196);
    expect(await lastValue(th, 'plug/frequency')).toBeCloseTo(50.02);
    const q = await quantities(th, 'plug');
    expect(q).toMatchObject({
      'apparent-power': 'apparent_power',
      'reactive-power': 'reactive_power',
      frequency: 'frequency',
      'energy-exported': 'energy_exported',
    });
    // nothing of this stock message is unknown
    expect((await node(th, 'plug'))?.rejectedByReason.unknown_field).toBeUndefined();
  });

  it('Tasmota fields with no mapping are counted as unknown_field, shown with the fix; "device map ID KEY ignore" silences one', async () => {
    await pub(
      'plug',
      'tele/tasmota_E1/SENSOR',
      JSON.stringify({ ANALOG: { A0: 512 }, ENERGY: { Power: 10 } }),
    );
    const n = await until(async () => {
      const info = await node(th, 'plug');
      return info?.rejectedByReason.unknown_field ? info : undefined;
    });
    expect(n.rejectedByReason.unknown_field).toBe(1);
    expect(n.lastRejections[0]?.detail).toContain('device map plug ANALOG.A0 ignore');
    expect((await th.run('device map plug ANALOG.A0 ignore')).code).toBe(0);
    await pub(
      'plug',
      'tele/tasmota_E1/SENSOR',
      JSON.stringify({ ANALOG: { A0: 600 }, ENERGY: { Power: 11 } }),
    );
    expect(await until(async () => ((await lastValue(th, 'plug/power')) === 11 ? true : undefined))).toBe(
      true,
    );
    expect((await node(th, 'plug'))?.rejectedByReason.unknown_field).toBe(1);
    // mapped instead, it becomes a series of its own
    expect((await th.run('device map plug ANALOG.A0=light:%')).code).toBe(0);
    await pub('plug', 'tele/tasmota_E1/SENSOR', JSON.stringify({ ANALOG: { A0: 42 } }));
    expect(await lastValue(th, 'plug/analog-a0')).toBe(42);
  });

  it('Tasmota TotalTariff without Total is one energy counter a tariff', async () => {
    await pub(
      'tariff',
      'tele/tasmota_T1/SENSOR',
      JSON.stringify({ ENERGY: { TotalTariff: [1.0, 2.0], Power: 5 } }),
    );
    await pub(
      'tariff',
      'tele/tasmota_T1/SENSOR',
      JSON.stringify({ ENERGY: { TotalTariff: [1.5, 2.25], Power: 5 } }),
    );
    expect(await lastValue(th, 'tariff/energy-t1')).toBe(500);
    expect(await lastValue(th, 'tariff/energy-t2')).toBe(250);
  });

  it('emonhub emonTH keys (temperature, humidity, battery, pulsecount, MSG, rssi) are all understood', async () => {
    const time = Math.floor(Date.now() / 1000);
    await pub(
      'emonth',
      'emon/emonth5',
      JSON.stringify({
        MSG: 3,
        temperature: 19.4,
        humidity: 56.1,
        battery: 3.1,
        pulsecount: 7,
        rssi: -58,
        time,
      }),
    );
    expect(await lastValue(th, 'emonth/temperature')).toBe(19.4);
    expect(await lastValue(th, 'emonth/battery')).toBe(3.1);
    const n = await node(th, 'emonth');
    expect(n?.rssi).toBe(-58);
    expect(n?.rejected).toBe(0);
    expect(await quantities(th, 'emonth')).toEqual({
      temperature: 'temperature',
      humidity: 'humidity',
      battery: 'voltage',
      pulsecount: 'pulses',
    });
  });

  it('airrohr DNMS noise (LAeq, min, max) is sound and PM1 is stored', async () => {
    const res = await fetch(`${th.httpUrl}/data.php`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`air:${secrets.air}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        esp8266id: '77',
        sensordatavalues: [
          { value_type: 'DNMS_noise_LAeq', value: '45.10' },
          { value_type: 'DNMS_noise_LA_min', value: '38.00' },
          { value_type: 'DNMS_noise_LA_max', value: '61.90' },
          { value_type: 'SPS30_P0', value: '4.20' },
          { value_type: 'SPS30_P4', value: '6.00' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await lastValue(th, 'air/dnms-sound-max')).toBeCloseTo(61.9);
    expect(await lastValue(th, 'air/sps30-pm1')).toBeCloseTo(4.2);
    expect(await quantities(th, 'air')).toMatchObject({ 'dnms-sound': 'sound', 'dnms-sound-min': 'sound' });
    expect((await node(th, 'air'))?.rejected).toBe(0);
  });

  it('ESPHome illuminance, uptime, VOC/NOx index, frequency, gas and pulse totals map through its discovery; wifi_signal is the RSSI', async () => {
    const discover = (id: string, config: object) =>
      pub(
        'esp',
        `homeassistant/sensor/atelier/${id}/config`,
        JSON.stringify({ stat_t: `atelier/sensor/${id}/state`, ...config }),
      );
    await discover('lux', {
      name: 'Lux',
      dev_cla: 'illuminance',
      unit_of_meas: 'lx',
      stat_cla: 'measurement',
    });
    await discover('uptime', {
      name: 'Uptime',
      dev_cla: 'duration',
      unit_of_meas: 's',
      stat_cla: 'total_increasing',
    });
    await discover('voc', { name: 'VOC Index', dev_cla: 'aqi', stat_cla: 'measurement' });
    await discover('nox', { name: 'NOx Index', dev_cla: 'aqi', stat_cla: 'measurement' });
    await discover('mains', { name: 'Mains', dev_cla: 'frequency', unit_of_meas: 'Hz' });
    await discover('gas_total', {
      name: 'Gas',
      dev_cla: 'gas',
      unit_of_meas: 'm³',
      stat_cla: 'total_increasing',
    });
    await discover('water_pulses', { name: 'Water', unit_of_meas: 'pulses', stat_cla: 'total_increasing' });
    await discover('wifi_signal', { name: 'WiFi Signal', dev_cla: 'signal_strength', unit_of_meas: 'dBm' });
    for (const [id, v] of [
      ['lux', '312'],
      ['uptime', '3600'],
      ['voc', '104'],
      ['nox', '1'],
      ['mains', '49.98'],
      ['gas_total', '1234.5'],
      ['water_pulses', '10'],
      ['wifi_signal', '-67'],
    ] as const)
      await pub('esp', `atelier/sensor/${id}/state`, v);
    await pub('esp', 'atelier/sensor/gas_total/state', '1234.75');
    await pub('esp', 'atelier/sensor/water_pulses/state', '14');
    expect(await lastValue(th, 'esp/lux')).toBe(312);
    expect(await lastValue(th, 'esp/voc')).toBe(104);
    // total_increasing is a counter: stored as the increase
    expect(await lastValue(th, 'esp/gas_total')).toBeCloseTo(0.25);
    expect(await lastValue(th, 'esp/water_pulses')).toBe(4);
    expect(await quantities(th, 'esp')).toEqual({
      lux: 'illuminance',
      uptime: 'duration',
      voc: 'voc_index',
      nox: 'nox_index',
      mains: 'frequency',
      gas_total: 'gas',
      water_pulses: 'pulses',
    });
    const n = await node(th, 'esp');
    expect(n?.rssi).toBe(-67);
    expect(n?.rejected).toBe(0);
  });
});
