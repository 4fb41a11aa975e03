import { z } from 'zod';

/**
 * Identifiers that appear in MQTT topics and URLs: lower-case letters, digits, `-` and `_`,
 * starting with a letter or digit. Short enough to type on a console, safe in a topic level.
 */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const NodeId = z
  .string()
  .regex(ID_PATTERN, 'use 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit');
export type NodeId = z.infer<typeof NodeId>;

export const SensorId = NodeId;
export type SensorId = z.infer<typeof SensorId>;

export const HouseholdId = NodeId;
export type HouseholdId = z.infer<typeof HouseholdId>;

/** A series is one sensor of one node, named `<node>/<sensor>` in the API. */
export function seriesName(node: string, sensor: string): string {
  return `${node}/${sensor}`;
}
