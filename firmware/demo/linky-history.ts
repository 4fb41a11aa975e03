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

/** What the agent's reader makes of the frame the meter would send at t. */
function factsAt(model: LinkyModel, plan: DemoNodePlan, t: number): TicFacts {
  const fields = model.fields(t);
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

/**
 * One step of a Linky household's history: the registers and gauges of the frame at t, as the agent
 * would publish them, and the step's mean active power in place of the agent's estimate from the index.
 */
export function linkyRows(model: LinkyModel, plan: DemoNodePlan, t: number, step: number): Row[] {
  model.advanceTo(t);
  const rows: Row[] = factsAt(model, plan, t).readings.map((r) => ({ ...r, ts: t }));
  const watts = model.load.meanPower(t - step, t, step / 4);
  rows.push({ sensor: INDEX_POWER.id, quantity: 'power', unit: 'W', value: Math.round(watts), ts: t });
  return rows;
}
