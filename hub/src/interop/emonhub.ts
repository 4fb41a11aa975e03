import type { Quantity } from '../../../protocol/index.ts';
import type { SensorMapping } from '../../../protocol/interop/device.ts';
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

/**
 * emonhub's MQTT interfacer (OpenEnergyMonitor, https://docs.openenergymonitor.org/emonhub/):
 * `emon/<node>/<key>` with a plain number each, or `emon/<node>` with one JSON object (node_JSON_enable),
 * optionally with `time` in epoch seconds. Keys follow the emonTx/emonPi firmware names.
 */
const DEFAULT_KEYS: Array<[RegExp, SensorMapping]> = [
  // emonPi: power1, power2 and their sum power1pluspower2
  [/^((power|p)\d*|power1pluspower2)$/i, { quantity: 'power', unit: 'W' }],
  // emonTx4 E1..E6: cumulative energy in Wh
  [/^e\d+$/i, { quantity: 'energy', unit: 'Wh' }],
  [/^(vrms|v\d*)$/i, { quantity: 'voltage', unit: 'V' }],
  [/^(irms|i)\d*$/i, { quantity: 'current', unit: 'A' }],
  // emonTx temp1..6 / T1..; emonTH "temperature" and "external temperature"
  [/^((temp|t)\d+|(external[ _])?temperature\d*)$/i, { quantity: 'temperature', unit: '°C' }],
  [/^humidity\d*$/i, { quantity: 'humidity', unit: '%' }],
  [/^(pulse|pulsecount)\d*$/i, { quantity: 'pulses', unit: 'count' }],
  // emonTH: the supply of its two AA cells, in volts (not a charge in %)
  [/^battery$/i, { quantity: 'voltage', unit: 'V', label: 'Battery voltage' }],
];

/** Keys emonTx firmware sends that are not measurements (message counter, timestamp), in any case. */
const IGNORED = /^(msg|time)$/i;

export const emonhub: Adapter = {
  publishFilters: (t) => [`emon/${t}`, `emon/${t}/#`],
  subscribeFilters: () => [],
  map({ topic, payload, device, now }) {
    const out = emptyResult();
    const key = topic.split('/').slice(2).join('/');
    if (key) {
      addKey(out, key, numberOf(payload.toString('utf8')), now, device);
      return out;
    }
    const parsed = parseJsonPayload(payload);
    if (!parsed.ok) {
      out.rejections.push({ reason: 'bad_json', detail: parsed.detail });
      return out;
    }
    if (!isObject(parsed.value)) {
      out.rejections.push({ reason: 'bad_schema', detail: 'emon/<node> must carry a JSON object' });
      return out;
    }
    const time = numberOf(parsed.value.time);
    // emonhub sends seconds; milliseconds are accepted too (a 13-digit number)
    const ts = time === null ? now : Math.round(time > 1e12 ? time : time * 1000);
    for (const [k, v] of Object.entries(parsed.value)) addKey(out, k, numberOf(v), ts, device);
    return out;
  },
};

function addKey(out: AdapterResult, key: string, value: number | null, ts: number, device: DeviceRow): void {
  if (IGNORED.test(key) || device.config.ignore.includes(key)) return;
  // the radio signal of an RFM69 node is the node's RSSI, as Tasmota's Wifi.Signal is
  if (/^rssi$/i.test(key) && !device.config.sensors[key]) {
    if (value !== null && value <= 0) out.status = { state: 'online', rssi: value };
    return;
  }
  const mapping = device.config.sensors[key] ?? DEFAULT_KEYS.find(([re]) => re.test(key))?.[1];
  if (!mapping) {
    unknownField(out, device, key, 'emonhub key');
    return;
  }
  const quantity: Quantity = mapping.quantity;
  addReading(out, { sensor: sensorSlug(key), quantity, unit: mapping.unit, value, ts }, mapping.label);
}
