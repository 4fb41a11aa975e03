import { describe, expect, it } from 'vitest';
import { filterWithin, topicMatches } from '../src/broker/acl.ts';
import { mapAirrohr } from '../src/interop/airrohr.ts';
import { clockOff, parseDeviceTime } from '../src/interop/device-time.ts';
import { quantityFromHa } from '../src/interop/ha-classes.ts';
import { tasmota } from '../src/interop/tasmota.ts';
import type { DeviceRow } from '../src/store/device-store.ts';

const plug: DeviceRow = {
  node: 'plug',
  format: 'tasmota',
  topic: 'plug_1',
  config: { sensors: {}, ignore: [] },
};

describe('interop adapters, pure parts', () => {
  it('Tasmota Time without an offset is wall-clock time in the hub zone, across DST', () => {
    expect(parseDeviceTime('2024-07-01T12:00:00', 'Europe/Paris')).toBe(Date.UTC(2024, 6, 1, 10));
    expect(parseDeviceTime('2024-01-15T12:00:00', 'Europe/Paris')).toBe(Date.UTC(2024, 0, 15, 11));
    expect(parseDeviceTime('2024-01-15T12:00:00+02:00', 'Europe/Paris')).toBe(Date.UTC(2024, 0, 15, 10));
  });

  it('a clock more than 10 min off is refused with the offset; behind, only when the message came live', () => {
    const now = Date.UTC(2025, 5, 1, 12);
    expect(clockOff('2025-06-01T14:00:00', Date.UTC(2025, 5, 1, 14), now, 'UTC', false)).toMatch(
      /is 2 h ahead of the hub's clock/,
    );
    expect(clockOff('2025-06-01T10:30:00', Date.UTC(2025, 5, 1, 10, 30), now, 'UTC', true)).toMatch(
      /read in UTC is 1 h 30 min behind/,
    );
    // a broker in between may deliver an hour-old message late: not a clock fault
    expect(clockOff('2025-06-01T11:00:00', Date.UTC(2025, 5, 1, 11), now, 'UTC', false)).toBeUndefined();
    expect(clockOff('2025-06-01T12:09:00', Date.UTC(2025, 5, 1, 12, 9), now, 'UTC', true)).toBeUndefined();
  });

  it('a device clock that never synchronised (1970) or garbage is not used', () => {
    expect(parseDeviceTime('1970-01-01T00:00:12', 'UTC')).toBeUndefined();
    expect(parseDeviceTime('yesterday', 'UTC')).toBeUndefined();
  });

  it('Tasmota Today is the energy counter only when Total is missing; Yesterday and Period never count', () => {
    const map = (energy: object) =>
      tasmota.map({
        topic: 'tele/plug_1/SENSOR',
        payload: Buffer.from(JSON.stringify({ ENERGY: energy })),
        device: plug,
        now: Date.UTC(2025, 0, 1),
        timeZone: 'UTC',
        live: true,
      });
    expect(map({ Total: 5, Today: 1, Yesterday: 2, Period: 10 })?.readings.map((r) => r.sensor)).toEqual([
      'energy',
    ]);
    expect(map({ Today: 1, Yesterday: 2 })?.readings.map((r) => r.sensor)).toEqual(['energy-today']);
  });

  it('Tasmota NaN from a failed sensor becomes a not-finite reading, pressure in mmHg is converted', () => {
    const out = tasmota.map({
      topic: 'tele/plug_1/SENSOR',
      payload: Buffer.from('{"BME280":{"Temperature":nan,"Pressure":760},"PressureUnit":"mmHg"}'),
      device: plug,
      now: Date.UTC(2025, 0, 1),
      timeZone: 'UTC',
      live: true,
    });
    expect(out?.readings.find((r) => r.sensor === 'bme280-temperature')?.value).toBeNull();
    expect(out?.readings.find((r) => r.sensor === 'bme280-pressure')?.value).toBeCloseTo(1013.25, 1);
  });

  it('airrohr SDS_P1 is PM10, SDS_P2 PM2.5 and P0 PM1; diagnostics are skipped without a rejection', () => {
    const body = {
      esp8266id: '42',
      sensordatavalues: [
        { value_type: 'SDS_P1', value: '20.1' },
        { value_type: 'SDS_P2', value: '9.8' },
        { value_type: 'PMS_P0', value: '3' },
        { value_type: 'temperature', value: '18.0' },
        { value_type: 'max_micro', value: '1234' },
      ],
    };
    const out = mapAirrohr(Buffer.from(JSON.stringify(body)), { ...plug, format: 'airrohr', topic: '42' }, 1);
    expect(out.readings.map((r) => [r.sensor, r.quantity])).toEqual([
      ['sds-pm10', 'pm10'],
      ['sds-pm25', 'pm25'],
      ['pms-pm1', 'pm1'],
      ['dht-temperature', 'temperature'],
    ]);
    expect(out.rejections).toEqual([]);
  });

  it('Home Assistant classes and units give quantities only when the unit fits', () => {
    expect(quantityFromHa({ deviceClass: 'carbon_dioxide', unit: 'ppm' })).toBe('co2');
    expect(quantityFromHa({ deviceClass: 'temperature', unit: 'lx' })).toBeUndefined();
    expect(quantityFromHa({ unit: 'kWh' })).toBe('energy');
    expect(quantityFromHa({ unit: 'W' })).toBe('power');
    expect(quantityFromHa({ deviceClass: 'power', unit: 'kW' })).toBe('power');
    expect(quantityFromHa({ unit: '%' })).toBeUndefined();
  });

  it('ACL filters (MQTT-4.7.1): # covers the parent level, a subscription must stay inside its entry', () => {
    expect(topicMatches('tele/plug_1/#', 'tele/plug_1/SENSOR')).toBe(true);
    expect(topicMatches('tele/plug_1/#', 'tele/plug_2/SENSOR')).toBe(false);
    expect(topicMatches('communs/v1/federation/nord/+', 'communs/v1/federation/nord/power/x')).toBe(false);
    expect(filterWithin('homeassistant/#', 'homeassistant/#')).toBe(true);
    expect(filterWithin('homeassistant/sensor/+/config', 'homeassistant/#')).toBe(true);
    expect(filterWithin('#', 'homeassistant/#')).toBe(false);
    expect(filterWithin('cmnd/+/#', 'cmnd/plug_1/#')).toBe(false);
  });
});
