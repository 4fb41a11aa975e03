import type { Quantity } from '../../../protocol/index.ts';
import { parseJsonPayload } from '../ingest/payload.ts';
import {
  type Adapter,
  type AdapterResult,
  addReading,
  emptyResult,
  isObject,
  numberOf,
  sensorSlug,
} from './adapter.ts';
import { parseDeviceTime } from './device-time.ts';
import { mapTicBlock } from './tasmota-tic.ts';

/**
 * Tasmota (https://tasmota.github.io/docs/MQTT/): `tele/<topic>/SENSOR` every TelePeriod,
 * `tele/<topic>/STATE` (Wi-Fi, uptime), `tele/<topic>/LWT` ("Online"/"Offline", retained last will).
 */

/** ENERGY keys (https://tasmota.github.io/docs/Power-Monitoring-Calibration/): scalar or one value a phase. */
const ENERGY_KEYS: Record<string, { sensor: string; quantity: Quantity; unit: string }> = {
  Total: { sensor: 'energy', quantity: 'energy', unit: 'kWh' },
  Power: { sensor: 'power', quantity: 'power', unit: 'W' },
  Voltage: { sensor: 'voltage', quantity: 'voltage', unit: 'V' },
  Current: { sensor: 'current', quantity: 'current', unit: 'A' },
  Factor: { sensor: 'power-factor', quantity: 'power_factor', unit: '1' },
};

/** Keys of climate and air sensor blocks (BME280, SHT3X, SCD40, PMS5003, SDS0X1, DS18B20, ...). */
const CLIMATE_KEYS: Record<string, { suffix: string; quantity: Quantity; unit: string }> = {
  Temperature: { suffix: 'temperature', quantity: 'temperature', unit: '°C' },
  Humidity: { suffix: 'humidity', quantity: 'humidity', unit: '%' },
  Pressure: { suffix: 'pressure', quantity: 'pressure', unit: 'hPa' },
  CarbonDioxide: { suffix: 'co2', quantity: 'co2', unit: 'ppm' },
  CO2: { suffix: 'co2', quantity: 'co2', unit: 'ppm' },
  'PM2.5': { suffix: 'pm25', quantity: 'pm25', unit: 'µg/m³' },
  PM10: { suffix: 'pm10', quantity: 'pm10', unit: 'µg/m³' },
};

const MMHG_TO_HPA = 1.333_223_874;

export const tasmota: Adapter = {
  // Tasmota 9.2+ also announces itself (retained) on tasmota/discovery/<MAC>/config|sensors at each
  // connection; the MAC is not known at provisioning. Accepted and ignored, or the plug would be cut off.
  publishFilters: (t) => [
    `tele/${t}/#`,
    `stat/${t}/#`,
    'tasmota/discovery/+/config',
    'tasmota/discovery/+/sensors',
  ],
  subscribeFilters: (t) => [`cmnd/${t}/#`, `cmnd/${t}_fb/#`, 'cmnd/tasmotas/#'],
  map({ topic, payload, device, now, timeZone }) {
    const kind = topic.slice(`tele/${device.topic}/`.length);
    if (!topic.startsWith('tele/')) return undefined;
    if (kind === 'LWT') {
      const text = payload.toString('utf8').trim();
      const out = emptyResult();
      if (text === 'Online' || text === 'Offline') {
        out.status = { state: text === 'Online' ? 'online' : 'offline' };
      } else if (text.length > 0) {
        out.rejections.push({
          reason: 'bad_schema',
          detail: `LWT must be "Online" or "Offline", got "${text.slice(0, 20)}"`,
        });
      }
      return out;
    }
    if (kind !== 'SENSOR' && kind !== 'STATE') return undefined;
    const out = emptyResult();
    const parsed = parseJsonPayload(payload);
    if (!parsed.ok) {
      out.rejections.push({ reason: 'bad_json', detail: parsed.detail });
      return out;
    }
    if (!isObject(parsed.value)) {
      out.rejections.push({ reason: 'bad_schema', detail: `${kind} must be a JSON object` });
      return out;
    }
    const msg = parsed.value;
    if (kind === 'STATE') return mapState(msg, out);
    const ts = parseDeviceTime(msg.Time, timeZone) ?? now;
    for (const [key, block] of Object.entries(msg)) {
      if (!isObject(block)) continue;
      if (key === 'ENERGY') mapEnergy(block, ts, out);
      else if (key === 'COUNTER') mapCounter(block, ts, out);
      else if (key !== 'TIC') mapClimate(key, block, msg, ts, out);
    }
    if (isObject(msg.TIC)) mapTicBlock(msg.TIC, ts, out);
    return out;
  },
};

function mapState(msg: Record<string, unknown>, out: AdapterResult): AdapterResult {
  const wifi = isObject(msg.Wifi) ? msg.Wifi : {};
  // Wifi.RSSI is a 0-100 quality figure; Wifi.Signal is the level in dBm
  const rssi = numberOf(wifi.Signal);
  const uptime = numberOf(msg.UptimeSec);
  out.status = {
    state: 'online',
    ...(rssi !== null && rssi <= 0 ? { rssi } : {}),
    ...(uptime !== null && uptime >= 0 ? { uptime } : {}),
  };
  return out;
}

function mapEnergy(block: Record<string, unknown>, ts: number, out: AdapterResult): void {
  // Total is the meter; without it, Today (kWh since midnight) is: its reset at midnight is a
  // counter reset the guard turns into the right delta. Yesterday and Period would count twice.
  const keys = { ...ENERGY_KEYS };
  if (block.Total === undefined && block.Today !== undefined) {
    keys.Today = { sensor: 'energy-today', quantity: 'energy', unit: 'kWh' };
  }
  for (const [key, spec] of Object.entries(keys)) {
    const raw = block[key];
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    values.forEach((v, i) => {
      const sensor = Array.isArray(raw) ? `${spec.sensor}-l${i + 1}` : spec.sensor;
      addReading(out, { sensor, quantity: spec.quantity, unit: spec.unit, value: numberOf(v), ts });
    });
  }
}

function mapCounter(block: Record<string, unknown>, ts: number, out: AdapterResult): void {
  for (const [key, v] of Object.entries(block)) {
    if (!/^C\d+$/.test(key)) continue;
    addReading(out, {
      sensor: `counter-${key.toLowerCase()}`,
      quantity: 'pulses',
      unit: 'count',
      value: numberOf(v),
      ts,
    });
  }
}

function mapClimate(
  name: string,
  block: Record<string, unknown>,
  msg: Record<string, unknown>,
  ts: number,
  out: AdapterResult,
): void {
  const base = sensorSlug(name);
  for (const [key, spec] of Object.entries(CLIMATE_KEYS)) {
    if (block[key] === undefined) continue;
    let value = numberOf(block[key]);
    const unit = spec.quantity === 'temperature' && msg.TempUnit === 'F' ? '°F' : spec.unit;
    if (spec.quantity === 'pressure' && msg.PressureUnit === 'mmHg' && value !== null) value *= MMHG_TO_HPA;
    addReading(out, { sensor: `${base}-${spec.suffix}`, quantity: spec.quantity, unit, value, ts }, name);
  }
}
