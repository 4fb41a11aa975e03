import type { Quantity } from '../../../protocol/index.ts';
import type { SensorMapping } from '../../../protocol/interop/device.ts';
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

/**
 * emonhub's MQTT interfacer (OpenEnergyMonitor, https://docs.openenergymonitor.org/emonhub/):
 * `emon/<node>/<key>` with a plain number each, or `emon/<node>` with one JSON object (node_JSON_enable),
 * optionally with `time` in epoch seconds. Keys follow the emonTx/emonPi firmware names.
 */
const DEFAULT_KEYS: Array<[RegExp, SensorMapping]> = [
  [/^(power|p)\d*$/i, { quantity: 'power', unit: 'W' }],
  // emonTx4 E1..E6: cumulative energy in Wh
  [/^e\d+$/i, { quantity: 'energy', unit: 'Wh' }],
  [/^(vrms|v\d*)$/i, { quantity: 'voltage', unit: 'V' }],
  [/^(irms|i)\d*$/i, { quantity: 'current', unit: 'A' }],
  [/^(temp|t)\d+$/i, { quantity: 'temperature', unit: '°C' }],
  [/^humidity\d*$/i, { quantity: 'humidity', unit: '%' }],
  [/^(pulse|pulsecount)\d*$/i, { quantity: 'pulses', unit: 'count' }],
  [/^rssi$/i, { quantity: 'rssi', unit: 'dBm' }],
];

/** Keys emonTx firmware sends that are not measurements (message counter, timestamp). */
const IGNORED = new Set(['msg', 'time']);

export const emonhub: Adapter = {
  publishFilters: (t) => [`emon/${t}`, `emon/${t}/#`],
  subscribeFilters: () => [],
  map({ topic, payload, device, now }) {
    const out = emptyResult();
    const key = topic.split('/').slice(2).join('/');
    if (key) {
      addKey(out, key, numberOf(payload.toString('utf8')), now, device.config.sensors);
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
    for (const [k, v] of Object.entries(parsed.value)) addKey(out, k, numberOf(v), ts, device.config.sensors);
    return out;
  },
};

function addKey(
  out: AdapterResult,
  key: string,
  value: number | null,
  ts: number,
  declared: Record<string, SensorMapping>,
): void {
  if (IGNORED.has(key)) return;
  const mapping = declared[key] ?? DEFAULT_KEYS.find(([re]) => re.test(key))?.[1];
  if (!mapping) {
    out.rejections.push({
      reason: 'unknown_sensor',
      detail: `emonhub key "${key.slice(0, 40)}" has no known unit`,
    });
    return;
  }
  const quantity: Quantity = mapping.quantity;
  addReading(out, { sensor: sensorSlug(key), quantity, unit: mapping.unit, value, ts }, mapping.label);
}
