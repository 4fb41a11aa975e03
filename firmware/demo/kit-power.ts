import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NODE_POWER_W, KitSensors } from '../../protocol/index.ts';

const HARDWARE = join(dirname(fileURLToPath(import.meta.url)), '../../hardware');
const cache = new Map<string, number>();

/**
 * The power budget of a hardware kit, from its kit.json: a demo node declares the draw of the kit it
 * imitates, so the footprint view adds up what a real neighbourhood of these kits would use.
 */
export function kitPowerW(kit: string): number {
  let watts = cache.get(kit);
  if (watts === undefined) {
    try {
      const parsed = KitSensors.safeParse(JSON.parse(readFileSync(join(HARDWARE, kit, 'kit.json'), 'utf8')));
      watts = (parsed.success && parsed.data.power?.powerW) || DEFAULT_NODE_POWER_W;
    } catch {
      watts = DEFAULT_NODE_POWER_W;
    }
    cache.set(kit, watts);
  }
  return watts;
}
