import { interpretTic, ticModeOf } from '../../../protocol/interop/tic.ts';
import type { AdapterResult } from './adapter.ts';

/** Labels that make a TIC block a full frame's worth of contract, or of tariff period. */
const CONTRACT = ['OPTARIF', 'NGTF', 'ISOUSC', 'PREF'];
const PERIOD = ['PTEC', 'LTARF', 'NTARF', 'DEMAIN', 'STGE'];

/**
 * The `TIC` block of a Tasmota built with Teleinfo (https://tasmota.github.io/docs/Teleinfo/): the
 * meter's labels as they came, beside the `ENERGY` block the driver fills from them. It goes
 * through the label table the node agent's reader uses (protocol/interop/tic.ts), so a Tasmota +
 * Teleinfo home gets the same series as one read by `communs node`. The driver sums the index
 * registers into ENERGY.Total (sensor `energy`): the registers are declared parts of it, so the
 * neighbourhood's figures count them once (and count them alone where Tasmota sends no total).
 * With `EnergyConfig Changed` a block holds only the labels that changed: what it leaves out keeps
 * its value.
 */
export function mapTicBlock(block: Record<string, unknown>, ts: number, out: AdapterResult): void {
  const values = new Map<string, string | number>();
  for (const [label, v] of Object.entries(block)) {
    if (typeof v === 'string' || typeof v === 'number') values.set(label, v);
  }
  const facts = interpretTic(values, ticModeOf(values.keys()));
  for (const label of facts.malformed) {
    out.rejections.push({
      reason: 'bad_schema',
      detail: `TIC.${label}: not the number the meter sends, got ${JSON.stringify(block[label]).slice(0, 24)}`,
    });
  }
  for (const r of facts.readings) {
    // ENERGY came first with the same meaning (Current is IINST): one reading a sensor and time
    if (out.readings.some((o) => o.sensor === r.sensor)) continue;
    const declared = facts.sensors.find((s) => s.id === r.sensor);
    if (declared && !out.meta.some((m) => m.id === r.sensor)) {
      // every energy series of a TIC is an index register, summed into ENERGY.Total
      const whole = r.quantity === 'energy' && !declared.partOf ? { partOf: 'energy' } : {};
      out.meta.push({ ...declared, ...whole });
    }
    out.readings.push({ ...r, ts });
  }
  if (CONTRACT.some((l) => values.has(l))) out.meter = facts.meter;
  if (PERIOD.some((l) => values.has(l))) {
    out.status = { ...out.status, state: 'online', meter: facts.status };
  }
}
