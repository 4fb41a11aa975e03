import type { Quantity } from '../../../protocol/index.ts';
import { AirrohrBody } from '../../../protocol/interop/airrohr.ts';
import { parseJsonPayload } from '../ingest/payload.ts';
import { describeZodError } from '../ingest/validate.ts';
import type { DeviceRow } from '../store/device-store.ts';
import {
  type AdapterResult,
  addReading,
  emptyResult,
  numberOf,
  sensorSlug,
  unknownField,
} from './adapter.ts';

/**
 * Sensor.Community's airrohr firmware, "send to own API" (POST `/data.php`). `value_type` is
 * `<SENSOR>_<field>`: SDS_P1 is PM10 and SDS_P2 PM2.5 (the firmware's naming), BME280_pressure is
 * in Pa; DHT22 sends bare `temperature`/`humidity`. The body carries no time: the hub's clock is used.
 */
export const FIELDS: Record<string, { quantity: Quantity; unit: string; suffix: string }> = {
  P0: { quantity: 'pm1', unit: 'µg/m³', suffix: 'pm1' },
  P1: { quantity: 'pm10', unit: 'µg/m³', suffix: 'pm10' },
  P2: { quantity: 'pm25', unit: 'µg/m³', suffix: 'pm25' },
  temperature: { quantity: 'temperature', unit: '°C', suffix: 'temperature' },
  humidity: { quantity: 'humidity', unit: '%', suffix: 'humidity' },
  pressure: { quantity: 'pressure', unit: 'Pa', suffix: 'pressure' },
  // DNMS noise module: the equivalent level over the send interval, and its minimum and maximum
  noise_LAeq: { quantity: 'sound', unit: 'dB', suffix: 'sound' },
  noise_LA_min: { quantity: 'sound', unit: 'dB', suffix: 'sound-min' },
  noise_LA_max: { quantity: 'sound', unit: 'dB', suffix: 'sound-max' },
};

/** Diagnostics the firmware adds to every body: loop timing and sample counts. */
const DIAGNOSTICS = new Set(['samples', 'min_micro', 'max_micro', 'interval']);
/** Fields kept out on purpose (PM4, particle counts, typical particle size): skipped without a rejection. */
const UNSTORED_FIELD = /^(P4|N\d+|TS)$/;

export function mapAirrohr(payload: Buffer, device: DeviceRow, now: number): AdapterResult {
  const out = emptyResult();
  const parsed = parseJsonPayload(payload);
  if (!parsed.ok) {
    out.rejections.push({ reason: 'bad_json', detail: parsed.detail });
    return out;
  }
  const body = AirrohrBody.safeParse(parsed.value);
  if (!body.success) {
    out.rejections.push({ reason: 'bad_schema', detail: describeZodError(body.error) });
    return out;
  }
  const chip = body.data.esp8266id === undefined ? undefined : String(body.data.esp8266id);
  if (device.topic && chip !== undefined && chip !== device.topic) {
    out.rejections.push({
      reason: 'bad_schema',
      detail: `esp8266id ${chip.slice(0, 20)} is not the sensor provisioned as ${device.node} (${device.topic})`,
    });
    return out;
  }
  for (const { value_type: type, value } of body.data.sensordatavalues) {
    if (DIAGNOSTICS.has(type) || device.config.ignore.includes(type)) continue;
    if (type === 'signal') {
      const rssi = numberOf(value);
      if (rssi !== null && rssi <= 0) out.status = { state: 'online', rssi };
      continue;
    }
    const cut = type.lastIndexOf('_');
    const field = cut < 0 ? type : type.slice(cut + 1);
    if (UNSTORED_FIELD.test(field)) continue;
    const spec =
      device.config.sensors[type] ??
      FIELDS[field] ??
      (cut > 0 ? FIELDS[type.slice(type.indexOf('_') + 1)] : undefined);
    if (!spec) {
      unknownField(out, device, type, 'value_type');
      continue;
    }
    if (!('suffix' in spec)) {
      const { quantity, unit, label } = spec;
      addReading(out, { sensor: sensorSlug(type), quantity, unit, value: numberOf(value), ts: now }, label);
      continue;
    }
    const prefix = cut < 0 ? 'dht' : type.slice(0, type.indexOf('_'));
    const sensor = `${sensorSlug(prefix)}-${spec.suffix}`;
    addReading(out, { sensor, quantity: spec.quantity, unit: spec.unit, value: numberOf(value), ts: now });
  }
  if (!out.status) out.status = { state: 'online' };
  return out;
}
