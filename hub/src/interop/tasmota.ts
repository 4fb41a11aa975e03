import type { Quantity } from '../../../protocol/index.ts';
import { parseJsonPayload } from '../ingest/payload.ts';
import type { DeviceRow } from '../store/device-store.ts';
import {
  type Adapter,
  type AdapterResult,
  addReading,
  emptyResult,
  isObject,
  numberOf,
  sensorSlug,
  unknownField,
} from './adapter.ts';
import { clockOff, parseDeviceTime } from './device-time.ts';
import { mapTicBlock } from './tasmota-tic.ts';

/**
 * Tasmota (https://tasmota.github.io/docs/MQTT/): `tele/<topic>/SENSOR` every TelePeriod,
 * `tele/<topic>/STATE` (Wi-Fi, uptime), `tele/<topic>/LWT` ("Online"/"Offline", retained last will).
 * Every key of a SENSOR message is mapped, ignored on purpose (the lists below, docs/INTEROP.md), or
 * reported as `unknown_field` with the console line that maps or silences it.
 */

interface KeySpec {
  sensor: string;
  quantity: Quantity;
  unit: string;
}

/** ENERGY keys (https://tasmota.github.io/docs/Power-Monitoring-Calibration/): scalar or one value a phase. */
export const ENERGY_KEYS: Record<string, KeySpec> = {
  Total: { sensor: 'energy', quantity: 'energy', unit: 'kWh' },
  Power: { sensor: 'power', quantity: 'power', unit: 'W' },
  ApparentPower: { sensor: 'apparent-power', quantity: 'apparent_power', unit: 'VA' },
  ReactivePower: { sensor: 'reactive-power', quantity: 'reactive_power', unit: 'var' },
  Voltage: { sensor: 'voltage', quantity: 'voltage', unit: 'V' },
  Current: { sensor: 'current', quantity: 'current', unit: 'A' },
  Factor: { sensor: 'power-factor', quantity: 'power_factor', unit: '1' },
  Frequency: { sensor: 'frequency', quantity: 'frequency', unit: 'Hz' },
  ExportActive: { sensor: 'energy-exported', quantity: 'energy_exported', unit: 'kWh' },
};

/**
 * ENERGY keys not stored: Yesterday and Period would count the energy of Total twice, TotalStartTime
 * is a date, ExportTariff splits ExportActive. Today and TotalTariff are stored only without Total.
 */
const ENERGY_IGNORED = new Set(['TotalStartTime', 'Yesterday', 'Period', 'ExportTariff', 'Load']);

/** Keys of climate and air sensor blocks (BME280, SHT3X, SCD40, PMS5003, SDS0X1, DS18B20, BH1750, ...). */
export const CLIMATE_KEYS: Record<string, { suffix: string; quantity: Quantity; unit: string }> = {
  Temperature: { suffix: 'temperature', quantity: 'temperature', unit: '°C' },
  Humidity: { suffix: 'humidity', quantity: 'humidity', unit: '%' },
  Pressure: { suffix: 'pressure', quantity: 'pressure', unit: 'hPa' },
  CarbonDioxide: { suffix: 'co2', quantity: 'co2', unit: 'ppm' },
  CO2: { suffix: 'co2', quantity: 'co2', unit: 'ppm' },
  PM1: { suffix: 'pm1', quantity: 'pm1', unit: 'µg/m³' },
  'PM2.5': { suffix: 'pm25', quantity: 'pm25', unit: 'µg/m³' },
  PM10: { suffix: 'pm10', quantity: 'pm10', unit: 'µg/m³' },
  Illuminance: { suffix: 'illuminance', quantity: 'illuminance', unit: 'lx' },
};

/**
 * Sensor-block keys not stored: derived figures (DewPoint, SeaPressure, eCO2 estimated from VOCs),
 * a DS18B20's bus id, and a PMS5003's "standard particle" (CF*) and particle-count (PB*) columns.
 */
const CLIMATE_IGNORED = /^(DewPoint|SeaPressure|eCO2|Id|CF\d+(\.\d+)?|PB\d+(\.\d+)?)$/;

/** Top-level keys that are not measurements: units of the message and switch or button states. */
const TOP_IGNORED = /^(Time|TempUnit|PressureUnit|SpeedUnit|(Switch|Button)\d+)$/;

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
  map({ topic, payload, device, now, timeZone, live }) {
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
    const zone = device.config.timeZone ?? timeZone;
    const clock = parseDeviceTime(msg.Time, zone);
    const off = clock === undefined ? undefined : clockOff(String(msg.Time), clock, now, zone, live);
    if (off) {
      // a whole message of readings shifted by hours: refused once, with the offset seen
      out.rejections.push({ reason: 'clock_off', detail: off });
      return out;
    }
    const ts = clock ?? now;
    for (const [key, value] of Object.entries(msg)) {
      if (!isObject(value)) mapScalar(key, value, device, ts, out);
      else if (key === 'ENERGY') mapEnergy(value, device, ts, out);
      else if (key === 'COUNTER') mapCounter(value, device, ts, out);
      // the meter's labels: read after ENERGY, which has the same meaning for some of them
      else if (key !== 'TIC') mapBlock(key, value, msg, device, ts, out);
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

/** A key the admin mapped on the console (`device map ID ANALOG.A0=light:%`), if any. */
function mapped(device: DeviceRow, key: string, value: unknown, ts: number, out: AdapterResult): boolean {
  const m = device.config.sensors[key];
  if (!m) return false;
  const reading = { sensor: sensorSlug(key), quantity: m.quantity, unit: m.unit, value: numberOf(value), ts };
  addReading(out, reading, m.label);
  return true;
}

function mapScalar(key: string, value: unknown, device: DeviceRow, ts: number, out: AdapterResult): void {
  if (TOP_IGNORED.test(key) || mapped(device, key, value, ts, out)) return;
  unknownField(out, device, key);
}

function mapEnergy(block: Record<string, unknown>, device: DeviceRow, ts: number, out: AdapterResult): void {
  // Total is the meter; without it, the tariff registers are (one series a tariff), else Today
  // (kWh since midnight: its reset at midnight is a counter reset the guard turns into the right
  // delta). Beside Total, they would count the same energy twice in the neighbourhood's total.
  const hasTotal = block.Total !== undefined;
  const meter = hasTotal ? 'Total' : block.TotalTariff !== undefined ? 'TotalTariff' : 'Today';
  for (const [key, raw] of Object.entries(block)) {
    let spec = ENERGY_KEYS[key];
    if (key === meter && key === 'Today') spec = { sensor: 'energy-today', quantity: 'energy', unit: 'kWh' };
    if (key === meter && key === 'TotalTariff') spec = { sensor: 'energy', quantity: 'energy', unit: 'kWh' };
    if (!spec) {
      const path = `ENERGY.${key}`;
      if (ENERGY_IGNORED.has(key) || key === 'Today' || key === 'TotalTariff') continue;
      if (!mapped(device, path, raw, ts, out)) unknownField(out, device, path);
      continue;
    }
    const values = Array.isArray(raw) ? raw : [raw];
    const phase = key === 'TotalTariff' ? 't' : 'l';
    values.forEach((v, i) => {
      const sensor = Array.isArray(raw) ? `${spec.sensor}-${phase}${i + 1}` : spec.sensor;
      addReading(out, { sensor, quantity: spec.quantity, unit: spec.unit, value: numberOf(v), ts });
    });
  }
}

function mapCounter(block: Record<string, unknown>, device: DeviceRow, ts: number, out: AdapterResult): void {
  for (const [key, v] of Object.entries(block)) {
    if (!/^C\d+$/.test(key)) {
      if (!mapped(device, `COUNTER.${key}`, v, ts, out)) unknownField(out, device, `COUNTER.${key}`);
      continue;
    }
    addReading(out, {
      sensor: `counter-${key.toLowerCase()}`,
      quantity: 'pulses',
      unit: 'count',
      value: numberOf(v),
      ts,
    });
  }
}

function mapBlock(
  name: string,
  block: Record<string, unknown>,
  msg: Record<string, unknown>,
  device: DeviceRow,
  ts: number,
  out: AdapterResult,
): void {
  const base = sensorSlug(name);
  for (const [key, raw] of Object.entries(block)) {
    const spec = CLIMATE_KEYS[key];
    const path = `${name}.${key}`;
    if (!spec) {
      if (!CLIMATE_IGNORED.test(key) && !mapped(device, path, raw, ts, out)) unknownField(out, device, path);
      continue;
    }
    let value = numberOf(raw);
    const unit = spec.quantity === 'temperature' && msg.TempUnit === 'F' ? '°F' : spec.unit;
    if (spec.quantity === 'pressure' && msg.PressureUnit === 'mmHg' && value !== null) value *= MMHG_TO_HPA;
    addReading(out, { sensor: `${base}-${spec.suffix}`, quantity: spec.quantity, unit, value, ts }, name);
  }
}
