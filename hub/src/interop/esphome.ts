import { QUANTITIES } from '../../../protocol/index.ts';
import type { SensorMapping } from '../../../protocol/interop/device.ts';
import { ForeignDiscovery, HA_PREFIX, HA_STATUS_TOPIC } from '../../../protocol/interop/home-assistant.ts';
import { parseJsonPayload } from './../ingest/payload.ts';
import { describeZodError } from '../ingest/validate.ts';
import type { DeviceRow } from '../store/device-store.ts';
import {
  type Adapter,
  type AdapterResult,
  addReading,
  emptyResult,
  numberOf,
  sensorSlug,
  unknownField,
} from './adapter.ts';
import { quantityFromHa } from './ha-classes.ts';

/**
 * ESPHome's MQTT component (https://esphome.io/components/mqtt.html): `<prefix>/sensor/<object_id>/state`
 * as plain text, `<prefix>/status` "online"/"offline", and, with discovery on, a Home Assistant config
 * on `homeassistant/sensor/<node name>/<object_id>/config` that names the unit and device class. The
 * prefix defaults to the node name but may differ and span levels (`topic_prefix: maison/salon`); the
 * discovery topic always carries the node name. Plain text carries no unit: the mapping comes from
 * provisioning (`--sensor`) or from that config.
 */
export const esphome: Adapter = {
  // a discovery config of any node name is accepted: whether it is the device's own is decided by
  // the state topic inside it (learn), and only Home Assistant logins, which receive no foreign
  // configs (InteropRouter.mayReceive), subscribe there
  publishFilters: (t) => [`${t}/#`, `${HA_PREFIX}/+/+/config`, `${HA_PREFIX}/+/+/+/config`],
  subscribeFilters: (t) => [`${t}/#`, HA_STATUS_TOPIC],
  map({ topic, payload, device, now }) {
    const t = device.topic ?? '';
    const levels = topic.split('/');
    if (topic.startsWith(`${HA_PREFIX}/`)) {
      // homeassistant/sensor/[<node name>/]<object_id>/config; other components carry no readings
      if (levels[1] !== 'sensor') return undefined;
      const nodeName = levels.length === 5 ? levels[2] : undefined;
      return learn(levels.at(-2) ?? '', payload, device, topic, nodeName);
    }
    const rest = levels.slice(t.split('/').length);
    if (rest.length === 1 && rest[0] === 'status') {
      const text = payload.toString('utf8').trim();
      if (text !== 'online' && text !== 'offline') return undefined;
      return { ...emptyResult(), status: { state: text } };
    }
    if (rest.length !== 3 || rest[0] !== 'sensor' || rest[2] !== 'state') return undefined;
    const objectId = rest[1] ?? '';
    const out = emptyResult();
    const mapping = device.config.sensors[objectId];
    if (!mapping) {
      // plain text carries no unit: enabling MQTT discovery also tells the hub
      unknownField(out, device, objectId, 'ESPHome sensor (no discovery seen)');
      return out;
    }
    const value = numberOf(payload.toString('utf8'));
    // the Wi-Fi signal sensor is the node's RSSI, as Tasmota's Wifi.Signal is
    if (mapping.quantity === 'rssi') {
      if (value !== null && value <= 0) out.status = { state: 'online', rssi: value };
      return out;
    }
    addReading(
      out,
      { sensor: sensorSlug(objectId), quantity: mapping.quantity, unit: mapping.unit, value, ts: now },
      mapping.label,
    );
    return out;
  },
};

function learn(
  objectId: string,
  payload: Buffer,
  device: DeviceRow,
  topic: string,
  nodeName: string | undefined,
): AdapterResult | undefined {
  const nodeTopic = device.topic ?? '';
  // an empty retained config removes the entity in HA: nothing to learn
  if (payload.length === 0) return undefined;
  const out = emptyResult();
  const parsed = parseJsonPayload(payload);
  if (!parsed.ok) {
    out.rejections.push({ reason: 'bad_json', detail: `discovery config: ${parsed.detail}` });
    return out;
  }
  const config = ForeignDiscovery.safeParse(parsed.value);
  if (!config.success) {
    out.rejections.push({
      reason: 'bad_schema',
      detail: `discovery config: ${describeZodError(config.error)}`,
    });
    return out;
  }
  const { unit, deviceClass, stateTopic, stateClass, name } = config.data;
  // the state topic names the object id the readings will arrive under
  const m = stateTopic
    ? new RegExp(`^${escapeRegExp(nodeTopic)}/sensor/([^/]+)/state$`).exec(stateTopic)
    : null;
  if (stateTopic && !m) {
    // another device's entity: learning it would map this device's readings wrongly
    out.rejections.push({
      reason: 'topic_denied',
      detail: `${topic.slice(0, 80)} names the state topic "${stateTopic.slice(0, 60)}", outside this device's topic prefix: set "topic_prefix: ${nodeTopic}" in its ESPHome YAML, or provision it with --topic set to its prefix`,
    });
    return out;
  }
  if (nodeName && nodeName !== nodeTopic) out.nodeName = nodeName;
  const id = m?.[1] ?? objectId;
  const quantity = quantityFromHa({ deviceClass, unit, stateClass, name: `${id} ${name ?? ''}` });
  if (!quantity) {
    // a quantity Communs has no name for (distance, weight, ...): the admin may map or silence it
    unknownField(out, device, id, `ESPHome sensor (${deviceClass ?? 'no class'}, ${unit ?? 'no unit'})`);
    return out;
  }
  const mapping: SensorMapping = {
    quantity,
    unit: unit ?? QUANTITIES[quantity].unit,
    ...(name ? { label: name.slice(0, 80) } : {}),
  };
  out.learned = { [id]: mapping };
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
