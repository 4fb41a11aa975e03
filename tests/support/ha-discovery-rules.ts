/**
 * Home Assistant's rules for an MQTT discovery config of a sensor, as its documentation states them
 * (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery, /integrations/sensor.mqtt/,
 * https://developers.home-assistant.io/docs/core/entity/sensor/#available-device-classes) and its
 * sensor platform enforces them (homeassistant/components/sensor/const.py: DEVICE_CLASS_UNITS,
 * DEVICE_CLASS_STATE_CLASSES). Only the device classes Communs can publish are listed.
 */

/** Units each device class accepts; `null` is "no unit". */
const UNITS: Record<string, Array<string | null>> = {
  apparent_power: ['mVA', 'VA', 'kVA'],
  aqi: [null],
  atmospheric_pressure: ['Pa', 'hPa', 'kPa', 'bar', 'cbar', 'mbar', 'mmHg', 'inHg', 'psi'],
  battery: ['%'],
  carbon_dioxide: ['ppm'],
  current: ['mA', 'A'],
  duration: ['d', 'h', 'min', 's', 'ms'],
  energy: ['J', 'kJ', 'MJ', 'GJ', 'mWh', 'Wh', 'kWh', 'MWh', 'GWh', 'TWh', 'cal', 'kcal', 'Mcal', 'Gcal'],
  frequency: ['Hz', 'kHz', 'MHz', 'GHz'],
  gas: ['CCF', 'ft³', 'm³'],
  humidity: ['%'],
  illuminance: ['lx'],
  pm1: ['µg/m³'],
  pm10: ['µg/m³'],
  pm25: ['µg/m³'],
  power_factor: ['%', null],
  power: ['W', 'kW', 'MW', 'GW', 'TW'],
  reactive_power: ['var'],
  signal_strength: ['dB', 'dBm'],
  sound_pressure: ['dB', 'dBA'],
  temperature: ['°C', '°F', 'K'],
  voltage: ['µV', 'mV', 'V', 'kV', 'MV'],
};

const ALL_STATE_CLASSES = ['measurement', 'total', 'total_increasing'];

/** State classes each device class accepts (the others: measurement only). */
const STATE_CLASSES: Record<string, string[]> = {
  duration: ALL_STATE_CLASSES,
  energy: ['total', 'total_increasing'],
  gas: ['total', 'total_increasing'],
};

/** `[a-zA-Z0-9_-]`: the characters of a discovery topic's node_id and object_id. */
const TOPIC = /^homeassistant\/sensor\/(?:[a-zA-Z0-9_-]+\/)?([a-zA-Z0-9_-]+)\/config$/;

interface Availability {
  topic?: unknown;
  payload_available?: unknown;
  payload_not_available?: unknown;
}

/** Every broken rule, as "topic: what"; an empty list when Home Assistant accepts them all. */
export function discoveryViolations(configs: ReadonlyMap<string, Record<string, unknown>>): string[] {
  const out: string[] = [];
  const uniqueIds = new Map<string, string>();
  const entityIds = new Map<string, string>();
  const namesByDevice = new Map<string, Set<string>>();
  for (const [topic, c] of configs) {
    const bad = (what: string) => out.push(`${topic}: ${what}`);
    const objectId = TOPIC.exec(topic)?.[1];
    if (!objectId) bad('topic is not <prefix>/sensor/[<node_id>/]<object_id>/config with [a-zA-Z0-9_-] ids');
    if (typeof c.state_topic !== 'string' || c.state_topic === '') bad('no state_topic');
    const uid = c.unique_id;
    if (typeof uid !== 'string' || uid === '') bad('no unique_id (a device needs one)');
    else {
      if (uniqueIds.has(uid)) bad(`unique_id ${uid} also used by ${uniqueIds.get(uid)}`);
      uniqueIds.set(uid, topic);
      // "Best practice for entities with a unique_id is to set <object_id> to unique_id"
      if (objectId && objectId !== uid) bad(`object id ${objectId} is not the unique_id ${uid}`);
    }
    // object_id is deprecated since 2025.10 and ignored from 2026.4: default_entity_id replaces it
    if ('object_id' in c) bad('object_id is deprecated: use default_entity_id');
    const entityId = c.default_entity_id;
    if (typeof entityId !== 'string' || !/^sensor\.[a-z0-9_]+$/.test(entityId))
      bad(`default_entity_id ${String(entityId)} is not sensor.<lower-case id>`);
    else {
      if (entityIds.has(entityId))
        bad(`default_entity_id ${entityId} also used by ${entityIds.get(entityId)}`);
      entityIds.set(entityId, topic);
    }
    const availability = c.availability as Availability[] | undefined;
    if (!Array.isArray(availability) || availability.length === 0) bad('no availability');
    else
      for (const a of availability) {
        if (typeof a.topic !== 'string' || a.topic === '') bad('an availability entry without a topic');
      }
    const device = c.device as { identifiers?: unknown; name?: unknown } | undefined;
    if (!device || !Array.isArray(device.identifiers) || device.identifiers.length === 0)
      bad('device without identifiers');
    const name = c.name;
    if (typeof name !== 'string' || name.trim() === '') bad('no entity name');
    else if (device && typeof device.name === 'string') {
      // since 2023.8 the entity name is its own: HA strips a leading device name and warns
      if (name.toLowerCase().startsWith(device.name.toLowerCase()))
        bad(`name "${name}" starts with its device name`);
      const key = JSON.stringify(device.identifiers);
      const names = namesByDevice.get(key) ?? new Set<string>();
      if (names.has(name)) bad(`two entities of device ${device.name} are named "${name}"`);
      names.add(name);
      namesByDevice.set(key, names);
    }
    // a text sensor (its state read by a value_template) is not numeric: a unit, a numeric device
    // class or a state class would make Home Assistant refuse its value
    if (c.value_template !== undefined) {
      if (typeof c.value_template !== 'string' || !/^\{\{.*\}\}$/.test(c.value_template))
        bad(`value_template ${String(c.value_template)} is not a template`);
      if (c.unit_of_measurement === undefined && c.device_class === undefined && c.state_class !== undefined)
        bad('state_class on a text sensor (no unit, no device class)');
    }
    if (c.json_attributes_topic !== undefined && typeof c.json_attributes_topic !== 'string')
      bad('json_attributes_topic is not a topic');
    const cls = c.device_class as string | undefined;
    const unit = (c.unit_of_measurement as string | undefined) ?? null;
    const stateClass = c.state_class as string | undefined;
    if (stateClass !== undefined && !ALL_STATE_CLASSES.includes(stateClass)) bad(`state_class ${stateClass}`);
    if (cls !== undefined) {
      const units = UNITS[cls];
      if (!units) bad(`device_class ${cls} is not one this checker knows`);
      else if (!units.includes(unit)) bad(`unit ${unit} is not a ${cls} unit (${units.join(', ')})`);
      const classes = STATE_CLASSES[cls] ?? ['measurement'];
      if (stateClass !== undefined && !classes.includes(stateClass))
        bad(`state_class ${stateClass} is not allowed for ${cls} (${classes.join(', ')})`);
    }
  }
  return out;
}
