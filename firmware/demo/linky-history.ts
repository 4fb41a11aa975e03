import type { MetaMessage, Reading } from '../../protocol/index.ts';
import { interpretTic, type TicFacts } from '../../protocol/interop/tic.ts';
import { INDEX_POWER } from '../agent/meters/meter-source.ts';
import { LinkyModel, type LinkyState } from '../virtual/meters/linky-model.ts';
import type { DemoNodePlan } from './plan.ts';

type Row = Omit<Reading, 'seq'>;

/** The virtual Linky of a demo household, from its plan; `state` continues its registers. */
export function linkyOf(plan: DemoNodePlan, state?: LinkyState): LinkyModel {
  if (!plan.linky) throw new Error(`${plan.node} is not read by a Linky`);
  return new LinkyModel({ ...plan.linky, household: plan.model, ...(state ? { state } : {}) });
}

/** The series of a Linky household's registers, in the order of its LinkyState. */
export function linkyRegisterSensors(plan: DemoNodePlan): string[] {
  const registers = linkyOf(plan).state().registers;
  return plan.linky?.mode === 'standard'
    ? registers.map((_, i) => `easf${String(i + 1).padStart(2, '0')}`)
    : linkyOf(plan)
        .registerLabels()
        .map((l) => l.toLowerCase());
}

/** What the agent's reader makes of the frame the meter would send at t. */
function factsAt(model: LinkyModel, plan: DemoNodePlan, t: number, watts?: number): TicFacts {
  const fields = model.fields(t, watts);
  return interpretTic(new Map(fields.map(([label, value]) => [label, value])), plan.linky?.mode);
}

/** The meta the node's agent publishes once it has read its meter: the same reader, the same table. */
export function linkyMeta(plan: DemoNodePlan, powerW: number): MetaMessage {
  const facts = factsAt(linkyOf(plan), plan, Date.UTC(2026, 0, 15, 12));
  return {
    node: plan.node,
    board: 'linky',
    powerW,
    sensors: [...facts.sensors, INDEX_POWER],
    meter: facts.meter,
  };
}

/** A register that does not move is written once an hour in the history, not every minute. */
const STILL_EVERY_MS = 3_600_000;

/**
 * One step of a Linky household's history: the registers and gauges of the frame at t, as the agent
 * would publish them, and the step's mean active power in place of the agent's estimate from the
 * index. A standard-mode meter sends some twenty registers, most of which stand still at any
 * moment (a Tempo meter counts into one of six): a register that did not move since it was last
 * written (`written`) is left out, up to an hour, which changes no delta and keeps the demo's
 * first start short.
 */
export function linkyRows(
  model: LinkyModel,
  plan: DemoNodePlan,
  t: number,
  step: number,
  written: Map<string, { value: number; ts: number }>,
): Row[] {
  const before = model.state().registers.reduce((a, b) => a + b, 0);
  model.advanceTo(t);
  // the step's mean power is what moved the registers: the gauges and the power series use it
  const watts = ((model.state().registers.reduce((a, b) => a + b, 0) - before) * 3_600_000) / step;
  const rows: Row[] = [];
  for (const r of factsAt(model, plan, t, watts).readings) {
    const last = written.get(r.sensor);
    const counter = r.quantity === 'energy' || r.quantity === 'energy_exported';
    if (counter && last?.value === r.value && t - last.ts < STILL_EVERY_MS) continue;
    written.set(r.sensor, { value: r.value, ts: t });
    rows.push({ ...r, ts: t });
  }
  rows.push({ sensor: INDEX_POWER.id, quantity: 'power', unit: 'W', value: Math.round(watts), ts: t });
  return rows;
}
