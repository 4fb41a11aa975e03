import type { MetaMessage, Reading, SensorConfig } from '../../protocol/index.ts';
import { createDriver } from '../agent/drivers/create-driver.ts';
import { BoardEnvironment, MAINS_VOLTS, POWER_FACTOR } from '../virtual/environment.ts';
import type { LinkyState } from '../virtual/meters/linky-model.ts';
import { HOUR, MINUTE } from '../virtual/models/random.ts';
import { kitPowerW } from './kit-power.ts';
import { linkyMeta, linkyOf, linkyRows } from './linky-history.ts';
import type { DemoNodePlan } from './plan.ts';

/** How densely each kind of node is backfilled: energy every minute, slow air every five. */
const STEP_HOUSEHOLD = MINUTE;
const STEP_PLACE = 5 * MINUTE;

/** The self-description the node's agent will publish: the same drivers, so the same sensors. */
export function metaFor(plan: DemoNodePlan): MetaMessage {
  if (plan.linky) return linkyMeta(plan, kitPowerW(plan.kit));
  return {
    node: plan.node,
    board: 'virtual',
    firmware: 'communs-virtual',
    powerW: kitPowerW(plan.kit),
    sensors: plan.sensors.flatMap((s) => createDriver(s).sensors),
  };
}

type Row = Omit<Reading, 'seq'>;

/**
 * History for one demo node over [from, to), computed straight from the same physical models the
 * virtual boards use (no Firmata, no MQTT: a few hundred thousand numbers in about a second), in
 * chunks of at most `chunk` readings with sequence numbers from 0. Energy totals start at 0 at
 * `from`, as a freshly installed meter reader's would; `ends` receives each energy sensor's last
 * total and the time it was reached, for the live board to continue from.
 */
export function* historyFor(
  plan: DemoNodePlan,
  from: number,
  to: number,
  chunk = 50_000,
  ends?: Map<string, { wh: number; at: number }>,
  /** a Linky household's meter as the history leaves it, for the live one to continue */
  linkyEnd?: (state: LinkyState) => void,
): Generator<Reading[]> {
  let t = 0;
  const env = new BoardEnvironment(plan.model, plan.sensors, () => t);
  const step = plan.household.kind === 'household' ? STEP_HOUSEHOLD : STEP_PLACE;
  const totals = new Map<string, number>();
  const linky = plan.linky ? linkyOf(plan) : undefined;
  linky?.advanceTo(from);
  const written = new Map<string, { value: number; ts: number }>();
  let seq = 0;
  let out: Reading[] = [];
  const rowsAt = (time: number): Row[] =>
    linky
      ? linkyRows(linky, plan, time, step, written)
      : plan.sensors.flatMap((s) => sample(s, env, time, step, totals));
  for (t = from; t < to; t += step) {
    for (const row of rowsAt(t)) {
      out.push({ ...row, seq: seq++ });
      if (out.length >= chunk) {
        yield out;
        out = [];
      }
    }
  }
  for (const [id, wh] of totals) ends?.set(id, { wh, at: t - step });
  if (linky) linkyEnd?.(linky.state());
  if (out.length > 0) yield out;
}

function sample(
  s: SensorConfig,
  env: BoardEnvironment,
  t: number,
  step: number,
  totals: Map<string, number>,
): Row[] {
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  const add = (key: string, wh: number) => {
    const total = (totals.get(key) ?? 0) + wh;
    totals.set(key, total);
    return total;
  };
  switch (s.type) {
    case 'meter-pulses': {
      const watts = env.load.meanPower(t - step, t, step);
      // the meter counts whole pulses: the total moves in steps of 1/impPerKwh kWh
      const total = add(s.id, (watts * step) / HOUR);
      const whPerPulse = 1000 / s.impPerKwh;
      return [
        {
          sensor: `${s.id}-energy`,
          quantity: 'energy',
          unit: 'Wh',
          value: Math.floor(total / whPerPulse) * whPerPulse,
          ts: t,
        },
        { sensor: `${s.id}-power`, quantity: 'power', unit: 'W', value: round(watts, 1), ts: t },
      ];
    }
    case 'current-clamp': {
      const source = s.production ? env.solar : env.load;
      const amps = source.meanPower(t - step, t, step) / (MAINS_VOLTS * POWER_FACTOR);
      // without a voltage pin the clamp driver reports apparent power, and so does its history
      const watts = amps * s.mainsVolts;
      const current: Row = {
        sensor: `${s.id}-current`,
        quantity: 'current',
        unit: 'A',
        value: round(amps, 3),
        ts: t,
      };
      // on an installation's output: production power, and no energy counter (as the driver)
      if (s.production)
        return [
          current,
          { sensor: `${s.id}-power`, quantity: 'power_produced', unit: 'W', value: round(watts, 1), ts: t },
        ];
      const total = add(s.id, (watts * step) / HOUR);
      return [
        current,
        { sensor: `${s.id}-power`, quantity: 'power', unit: 'W', value: round(watts, 1), ts: t },
        { sensor: `${s.id}-energy`, quantity: 'energy', unit: 'Wh', value: round(total, 3), ts: t },
      ];
    }
    case 'bme280':
    case 'sht31': {
      const air = env.air();
      const rows: Row[] = [
        {
          sensor: `${s.id}-temperature`,
          quantity: 'temperature',
          unit: '°C',
          value: round(air.celsius, 2),
          ts: t,
        },
        { sensor: `${s.id}-humidity`, quantity: 'humidity', unit: '%', value: round(air.humidity, 1), ts: t },
      ];
      if (s.type === 'bme280') {
        rows.push({
          sensor: `${s.id}-pressure`,
          quantity: 'pressure',
          unit: 'hPa',
          value: round(air.hPa, 2),
          ts: t,
        });
      }
      return rows;
    }
    case 'scd4x':
      return [{ sensor: s.id, quantity: 'co2', unit: 'ppm', value: Math.round(env.air().co2), ts: t }];
    case 'sds011':
    case 'pms5003': {
      const pm = env.particulates();
      return [
        { sensor: `${s.id}-pm25`, quantity: 'pm25', unit: 'µg/m³', value: round(pm.pm25, 1), ts: t },
        { sensor: `${s.id}-pm10`, quantity: 'pm10', unit: 'µg/m³', value: round(pm.pm10, 1), ts: t },
      ];
    }
    default:
      // analog room sensors are not part of the demo neighbourhood
      return [];
  }
}
