import type { Quantity } from '../../../protocol/index.ts';
import {
  HA_OFFLINE,
  HA_ONLINE,
  HA_PREFIX,
  HA_STATE_ROOT,
  type HaSensorConfig,
} from '../../../protocol/interop/home-assistant.ts';
import { topics } from '../../../protocol/topics.ts';
import type { SensorRow } from '../store/registry.ts';
import { HA_CLASSES } from './ha-classes.ts';

/**
 * The discovery configs the hub publishes, built by the rules Home Assistant documents
 * (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery): the config topic's object id is
 * the unique id; `default_entity_id` instead of the deprecated `object_id`; every entity available
 * only while the hub and its node (or its collective figure) are; entity names of their own, never
 * starting with the device's name, one per quantity.
 */
export interface Entity {
  configTopic: string;
  config: HaSensorConfig;
  /** the node a series entity belongs to (none for a collective figure) */
  node?: string;
}

/** What the configs need to know of the hub. */
export interface HubIdentity {
  /** the id unique ids and state topics start with: kept when the neighbourhood is renamed */
  id: string;
  /** the neighbourhood's current name, for the device Home Assistant shows */
  name: string;
  version: string;
}

/** The words of entity names (Home Assistant shows them as given). */
const WORDS: Record<Quantity, string> = {
  power: 'power',
  power_produced: 'power produced',
  apparent_power: 'apparent power',
  reactive_power: 'reactive power',
  energy: 'energy',
  energy_exported: 'energy exported',
  pulses: 'pulses',
  gas: 'gas',
  current: 'current',
  voltage: 'voltage',
  power_factor: 'power factor',
  frequency: 'frequency',
  temperature: 'temperature',
  humidity: 'humidity',
  pressure: 'pressure',
  co2: 'CO2',
  voc_index: 'VOC index',
  nox_index: 'NOx index',
  pm1: 'PM1',
  pm25: 'PM2.5',
  pm10: 'PM10',
  light: 'light',
  illuminance: 'illuminance',
  sound: 'sound level',
  rssi: 'signal',
  battery: 'battery',
  duration: 'duration',
};

export function hubAvailabilityTopic(hub: HubIdentity): string {
  return `${HA_STATE_ROOT}${hub.id}/availability`;
}

export function nodeAvailabilityTopic(hub: HubIdentity, node: string): string {
  return `${HA_STATE_ROOT}${hub.id}/${node}/availability`;
}

export function aggregateAvailabilityTopic(hub: HubIdentity, q: Quantity): string {
  return `${HA_STATE_ROOT}${hub.id}/collective/${q}/availability`;
}

function hubDevice(hub: HubIdentity) {
  return {
    identifiers: [`communs_${hub.id}`],
    name: `Communs ${hub.name}`,
    model: 'Neighbourhood hub (collective figures, 3+ households)',
  };
}

/** A collective figure of the neighbourhood (the energy one is a running total, see ha-discovery.ts). */
export function aggregateEntity(hub: HubIdentity, q: Quantity): Entity {
  return entity(hub, {
    id: `communs_${hub.id}_collective_${q}`,
    name: capitalise(`collective ${WORDS[q]}`),
    quantity: q,
    stateTopic: `${HA_STATE_ROOT}${hub.id}/collective/${q}`,
    availability: [hubAvailabilityTopic(hub), aggregateAvailabilityTopic(hub, q)],
    device: hubDevice(hub),
  });
}

/**
 * The neighbourhood's signal (docs/COLLECTIVE.md) as a text sensor: its state is the light (`red`,
 * `orange`, `green`, `neutral`) read from the retained signal message, and the whole message (its
 * reasons, tomorrow, heat or cold, the sun, its words in French and English) its attributes. Made of
 * published figures only, it is shown whenever discovery is on; available while the hub is.
 */
export function signalEntity(hub: HubIdentity): Entity {
  const id = `communs_${hub.id}_signal`;
  const config: HaSensorConfig = {
    name: 'Neighbourhood signal',
    unique_id: id,
    default_entity_id: `sensor.${id.toLowerCase()}`,
    state_topic: topics.publicSignal,
    value_template: '{{ value_json.light }}',
    json_attributes_topic: topics.publicSignal,
    icon: 'mdi:traffic-light',
    availability: [
      { topic: hubAvailabilityTopic(hub), payload_available: HA_ONLINE, payload_not_available: HA_OFFLINE },
    ],
    availability_mode: 'all',
    device: { ...hubDevice(hub), manufacturer: 'Communs', sw_version: hub.version },
    origin: { name: 'Communs', sw_version: hub.version },
  };
  return { configTopic: `${HA_PREFIX}/sensor/${id}/config`, config };
}

/** Where a series' config and state live, from its node and sensor ids alone (an erased one too). */
export function seriesTopics(
  hub: HubIdentity,
  node: string,
  sensor: string,
): { id: string; configTopic: string; stateTopic: string } {
  const id = `communs_${hub.id}_${`${node}_${sensor}`.replace(/-/g, '_')}`;
  return {
    id,
    configTopic: `${HA_PREFIX}/sensor/${id}/config`,
    stateTopic: `${HA_STATE_ROOT}${hub.id}/${node}/${sensor}`,
  };
}

/** One series of a node; `siblings` are all the sensors of that node, so names stay distinct. */
export function seriesEntity(
  hub: HubIdentity,
  s: SensorRow,
  node: { name: string; board: string | null },
  siblings: readonly SensorRow[],
): Entity {
  const topics = seriesTopics(hub, s.node_id, s.sensor);
  const e = entity(hub, {
    id: topics.id,
    name: entityNames(siblings, node.name).get(s.sensor) ?? s.sensor,
    quantity: s.quantity,
    stateTopic: topics.stateTopic,
    availability: [hubAvailabilityTopic(hub), nodeAvailabilityTopic(hub, s.node_id)],
    device: {
      identifiers: [`communs_${hub.id}_${s.node_id.replace(/-/g, '_')}`],
      name: node.name,
      model: node.board ?? 'node',
      via_device: `communs_${hub.id}`,
    },
  });
  return { ...e, node: s.node_id };
}

/**
 * Entity names of a node's sensors: the label with the quantity ("BME280 temperature"), or the
 * sensor id in words; never starting with the device name (Home Assistant would strip it), and
 * distinct within the device.
 */
export function entityNames(sensors: readonly SensorRow[], deviceName: string): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of [...sensors].sort((a, b) => a.sensor.localeCompare(b.sensor))) {
    const word = WORDS[s.quantity];
    const base = s.label?.trim() || s.sensor.replace(/[-_]+/g, ' ');
    let name = base.toLowerCase().includes(word.toLowerCase()) ? base : `${base} ${word}`;
    if (name.toLowerCase().startsWith(`${deviceName.toLowerCase()} `))
      name = name.slice(deviceName.length + 1);
    else if (name.toLowerCase() === deviceName.toLowerCase()) name = word;
    name = capitalise(name);
    if (taken.has(name.toLowerCase())) name = `${name} (${s.sensor})`;
    taken.add(name.toLowerCase());
    out.set(s.sensor, name);
  }
  return out;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function entity(
  hub: HubIdentity,
  e: {
    id: string;
    name: string;
    quantity: Quantity;
    stateTopic: string;
    availability: string[];
    device: { identifiers: string[]; name: string; model: string; via_device?: string };
  },
): Entity {
  const ha = HA_CLASSES[e.quantity];
  const config: HaSensorConfig = {
    name: e.name,
    unique_id: e.id,
    default_entity_id: `sensor.${e.id.toLowerCase()}`,
    state_topic: e.stateTopic,
    availability: e.availability.map((topic) => ({
      topic,
      payload_available: HA_ONLINE,
      payload_not_available: HA_OFFLINE,
    })),
    availability_mode: 'all',
    state_class: ha.stateClass,
    suggested_display_precision: ha.precision,
    ...(ha.unit ? { unit_of_measurement: ha.unit } : {}),
    ...(ha.deviceClass ? { device_class: ha.deviceClass } : {}),
    device: { ...e.device, manufacturer: 'Communs', sw_version: hub.version },
    origin: { name: 'Communs', sw_version: hub.version },
  };
  return { configTopic: `${HA_PREFIX}/sensor/${e.id}/config`, config };
}
