import type { LiveAggregate } from '../../protocol/index.ts';
import { QUANTITIES, type Quantity } from '../../protocol/index.ts';

/** Any aggregate shown to someone other than the owner covers at least this many households. */
export const K_ANONYMITY = 3;

/** A series counts in the live figure while its last reading is this fresh. */
const FRESH_MS = 3 * 60_000;

interface Latest {
  quantity: Quantity;
  household: string;
  value: number;
  ts: number;
}

/**
 * The live collective figure of each gauge quantity (total power of the neighbourhood, mean indoor
 * temperature, ...) from the latest reading of every series. Withheld below k households.
 */
export class CollectiveLive {
  private readonly latest = new Map<number, Latest>();

  update(sensorId: number, quantity: Quantity, household: string | null, value: number, ts: number): void {
    if (household === null || QUANTITIES[quantity].kind !== 'gauge') return;
    const prev = this.latest.get(sensorId);
    if (!prev || ts >= prev.ts) this.latest.set(sensorId, { quantity, household, value, ts });
  }

  /**
   * The latest reading of one gauge series since the hub started (the figure keeps it anyway);
   * /api/nodes shows it for the series the caller may see.
   */
  latestOf(sensorId: number): { ts: number; value: number } | undefined {
    const l = this.latest.get(sensorId);
    return l && { ts: l.ts, value: l.value };
  }

  forget(sensorIds: Iterable<number>): void {
    for (const id of sensorIds) this.latest.delete(id);
  }

  compute(quantity: Quantity, now: number): LiveAggregate | undefined {
    const spec = QUANTITIES[quantity];
    let total = 0;
    let sensors = 0;
    let ts = 0;
    const households = new Set<string>();
    for (const l of this.latest.values()) {
      if (l.quantity !== quantity || now - l.ts > FRESH_MS) continue;
      total += l.value;
      sensors++;
      households.add(l.household);
      if (l.ts > ts) ts = l.ts;
    }
    if (households.size < K_ANONYMITY) return undefined;
    const value = spec.collective === 'sum' ? total : total / sensors;
    return { quantity, unit: spec.unit, ts, value, households: households.size, sensors };
  }
}
