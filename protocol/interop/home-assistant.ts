import { z } from 'zod';

/**
 * Home Assistant MQTT discovery, as the hub publishes it (full key names, not the abbreviations),
 * and the part of a device's own discovery message the hub reads (ESPHome abbreviates keys).
 * https://www.home-assistant.io/integrations/sensor.mqtt/ and /integrations/mqtt/#discovery-messages
 */
export const HA_PREFIX = 'homeassistant';
export const HA_STATUS_TOPIC = `${HA_PREFIX}/status`;

/** An MQTT topic whose retained `online`/`offline` says whether an entity's state can be trusted. */
export const HaAvailability = z.object({
  topic: z.string(),
  payload_available: z.string(),
  payload_not_available: z.string(),
});

export const HaSensorConfig = z.object({
  name: z.string(),
  unique_id: z.string(),
  /** `sensor.<unique_id>`: replaces the `object_id` Home Assistant deprecated in 2025.10 */
  default_entity_id: z.string(),
  state_topic: z.string(),
  availability: z.array(HaAvailability).min(1),
  /** `all`: available only while every availability topic says so (the hub and the node) */
  availability_mode: z.enum(['all', 'any', 'latest']),
  unit_of_measurement: z.string().optional(),
  device_class: z.string().optional(),
  /** absent on a text sensor (the neighbourhood's signal): Home Assistant would expect a number */
  state_class: z.enum(['measurement', 'total', 'total_increasing']).optional(),
  /** a text sensor's state read from a JSON message (`{{ value_json.light }}`) */
  value_template: z.string().optional(),
  /** the JSON message whose keys become the entity's attributes */
  json_attributes_topic: z.string().optional(),
  icon: z.string().optional(),
  suggested_display_precision: z.number().int().optional(),
  device: z.object({
    identifiers: z.array(z.string()),
    name: z.string(),
    manufacturer: z.string(),
    model: z.string(),
    sw_version: z.string(),
    via_device: z.string().optional(),
  }),
  origin: z.object({ name: z.string(), sw_version: z.string(), support_url: z.string().optional() }),
});
export type HaSensorConfig = z.infer<typeof HaSensorConfig>;

/** A device's own discovery config, full or abbreviated keys (ESPHome sends `unit_of_meas`, `dev_cla`, `stat_t`). */
export const ForeignDiscovery = z
  .object({
    unit_of_measurement: z.string().optional(),
    unit_of_meas: z.string().optional(),
    device_class: z.string().optional(),
    dev_cla: z.string().optional(),
    state_topic: z.string().optional(),
    stat_t: z.string().optional(),
    state_class: z.string().optional(),
    stat_cla: z.string().optional(),
    /** the base that a leading or trailing `~` in the topics stands for */
    '~': z.string().optional(),
    name: z.string().nullable().optional(),
    object_id: z.string().optional(),
    obj_id: z.string().optional(),
  })
  .transform((d) => ({
    unit: d.unit_of_measurement ?? d.unit_of_meas,
    deviceClass: d.device_class ?? d.dev_cla,
    stateTopic: expandBase(d.state_topic ?? d.stat_t, d['~']),
    stateClass: d.state_class ?? d.stat_cla,
    name: d.name ?? undefined,
    objectId: d.object_id ?? d.obj_id,
  }));
export type ForeignDiscovery = z.infer<typeof ForeignDiscovery>;

/** HA's topic abbreviation: `~` at the start or end of a topic is the config's `~` value. */
function expandBase(topic: string | undefined, base: string | undefined): string | undefined {
  if (topic === undefined || base === undefined) return topic;
  if (topic.startsWith('~')) return base + topic.slice(1);
  if (topic.endsWith('~')) return topic.slice(0, -1) + base;
  return topic;
}

/** Where the hub publishes the states and availability its discovery configs point to. */
export const HA_STATE_ROOT = 'communs/v1/ha/';
export const HA_ONLINE = 'online';
export const HA_OFFLINE = 'offline';
