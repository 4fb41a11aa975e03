import type { NodeInfo, SensorInfo } from '../../../protocol/api.ts';

export const ENVIRONMENT_QUANTITIES = ['temperature', 'humidity', 'co2', 'pm25', 'pm10'] as const;
export type EnvironmentQuantity = (typeof ENVIRONMENT_QUANTITIES)[number];

export interface Place {
  /** the household or place name when it may be shown, else the node's own name */
  name: string;
  sensors: SensorInfo[];
}

function isEnvironment(q: string): q is EnvironmentQuantity {
  return (ENVIRONMENT_QUANTITIES as readonly string[]).includes(q);
}

/**
 * Environment sensors grouped by place. Private nodes are left out entirely: their series are not
 * public (docs/API.md), and even a node name could point at a home.
 */
export function groupPlaces(nodes: readonly NodeInfo[]): Place[] {
  const byName = new Map<string, Place>();
  for (const node of nodes) {
    if (node.sharing === 'private') continue;
    const sensors = node.sensors.filter((s) => isEnvironment(s.quantity));
    if (sensors.length === 0) continue;
    const name = node.household?.name ?? node.name;
    const place = byName.get(name) ?? { name, sensors: [] };
    place.sensors.push(...sensors);
    byName.set(name, place);
  }
  for (const place of byName.values()) {
    place.sensors.sort(
      (a, b) =>
        ENVIRONMENT_QUANTITIES.indexOf(a.quantity as EnvironmentQuantity) -
        ENVIRONMENT_QUANTITIES.indexOf(b.quantity as EnvironmentQuantity),
    );
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
