import { z } from 'zod';
import { Quantity } from '../quantities.ts';
import { TimeZone } from '../time-zone.ts';

/**
 * How a provisioned device speaks. `native` is the Communs protocol (topics.ts); the others are
 * firmware people already run, mapped to native readings by the hub's adapters (hub/src/interop/).
 * `homeassistant` is a resident's Home Assistant reading the hub; `peer` is a neighbouring hub.
 */
export const DEVICE_FORMATS = [
  'native',
  'tasmota',
  'esphome',
  'emonhub',
  'airrohr',
  'homeassistant',
  'peer',
] as const;
export const DeviceFormat = z.enum(DEVICE_FORMATS);
export type DeviceFormat = z.infer<typeof DeviceFormat>;

/** Formats whose messages arrive under a device topic of their own (Tasmota `%topic%`, ...). */
export const TOPIC_FORMATS: readonly DeviceFormat[] = ['tasmota', 'esphome', 'emonhub', 'peer'];

/** An MQTT topic level a device names itself by: no wildcards, no separators, printable. */
export const DeviceTopic = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "-" or "." (a single topic level)');

/** ESPHome's `topic_prefix` may span levels ("maison/salon"): up to 8, none empty, no wildcards. */
export const PrefixTopic = z
  .string()
  .regex(
    /^[A-Za-z0-9_.-]{1,64}(\/[A-Za-z0-9_.-]{1,64}){0,7}$/,
    'use topic levels of letters, digits, "_", "-" or ".", separated by "/" (e.g. maison/salon)',
  );

/**
 * What a foreign key means (`--sensor temp_living=temperature:°C`): for ESPHome object ids and
 * emonhub keys that carry no unit on the wire.
 */
export const SensorMapping = z.object({
  quantity: Quantity,
  unit: z.string().min(1).max(16),
  label: z.string().max(80).optional(),
});
export type SensorMapping = z.infer<typeof SensorMapping>;

/**
 * The `device_config` column: per-key mappings declared on the console or learned from discovery,
 * the keys the admin chose to ignore (`device map ID KEY ignore`), and, for a device whose clock
 * writes local time without an offset (Tasmota), the zone it is in when not the neighbourhood's.
 */
export const DeviceConfig = z.object({
  sensors: z.record(z.string(), SensorMapping).default({}),
  ignore: z.array(z.string()).default([]),
  timeZone: TimeZone.optional(),
  /** ESPHome: the node name its discovery topics carry, learned when it differs from its prefix */
  nodeName: z.string().optional(),
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;
