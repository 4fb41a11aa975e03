import type { MqttClient } from 'mqtt';
import type { Reading } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from './mqtt-node.ts';
import type { TestHub } from './test-hub.ts';

/**
 * A neighbourhood acting together, with known figures (docs/COLLECTIVE.md): three private homes
 * and the salle des fêtes' solar panels, from 1 November 2026 to Saturday 12 December 2026, a red
 * Tempo day with the challenge "Soirée sobre" (18:00–20:00, target −10 %) on it. Paris time.
 *
 * Every home uses 500 Wh an hour, 1000 Wh from 18:00 and 800 Wh from 19:00, every day; on
 * 12 December 85 % of that from 18:00 and 90 % from 19:00. The panels make, each day, a mean of
 * 500, 1500, 2500, 3000, 2500, 1500 and 500 W in the hours from 09:00 to 15:00.
 *   the challenge: baseline 3 × 1000 + 3 × 800 = 5400 Wh; used 2550 + 2160 = 4710 Wh;
 *     change 4710 / 5400 − 1 = −12.8 % (met), saved 690 Wh, at the red peak price 0.66 €/kWh
 *     ≈ 0.46 €, at 52 g/kWh ≈ 36 g of CO2
 *   a day's production: 12 000 Wh; used locally Σ min(production, 1500) = 8500 Wh;
 *     self-consumption 8500 / 12 000 = 70.8 %; a whole day's self-sufficiency 8500 / 38 400
 *   November: 30 days × 38 400 Wh = 1152 kWh used; 360 kWh produced; 255 kWh used locally
 */

/** The UTC instant of a Paris wall-clock time in winter (UTC+1), `2026-12-12T18:40`. */
export function paris(local: string): number {
  return Date.parse(`${local}:00+01:00`);
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
export const FIRST_DAY = '2026-11-01';
export const CHALLENGE_DAY = '2026-12-12';
/** during the challenge, before its first hour is over */
export const DURING = paris('2026-12-12T18:40');
/** the evening after: the result is in */
export const AFTER = paris('2026-12-12T21:00');

export const SUN: Record<number, number> = {
  9: 500,
  10: 1500,
  11: 2500,
  12: 3000,
  13: 2500,
  14: 1500,
  15: 500,
};
export const HOMES = ['a', 'b', 'c'] as const;

/** One home's energy in the hour starting at `hourStart` (Paris), Wh. */
export function homeWh(hourStart: number): number {
  const local = new Date(hourStart + HOUR); // Paris is UTC+1 in winter: the UTC fields read as local
  const h = local.getUTCHours();
  const base = h === 18 ? 1000 : h === 19 ? 800 : 500;
  const day = local.toISOString().slice(0, 10);
  if (day !== CHALLENGE_DAY) return base;
  return h === 18 ? base * 0.85 : h === 19 ? base * 0.9 : base;
}

export const CONSOLE_COMMANDS = [
  // the report reads November and October: readings that old are taken
  'retention set raw 120',
  'settings set timezone Europe/Paris',
  'tariff set tempo --blue-hp 0.16 --blue-hc 0.13 --white-hp 0.19 --white-hc 0.15 --red-hp 0.66 --red-hc 0.16 --daily 0.60 --from 2026-01-01',
  'signal set 2026-12-12 red "Soirée sobre ce soir, de 18 h à 20 h"',
  'signal set 2026-12-13 white',
  'challenge add soiree-sobre "Soirée sobre" --date 2026-12-12 --from 18:00 --to 20:00 --target -10%',
];

export interface TogetherNeighbourhood {
  /** sends what the meters and panels measured up to `upTo` that they have not sent yet */
  feed(upTo: number): Promise<void>;
  stop(): Promise<void>;
}

type Plan = Omit<Reading, 'seq'>[];

function homePlan(until: number): Plan {
  const start = paris(`${FIRST_DAY}T00:00`);
  const plan: Plan = [{ sensor: 'energy', quantity: 'energy', unit: 'Wh', value: 0, ts: start + MINUTE }];
  let total = 0;
  for (let t = start; t < until; t += HOUR) {
    total += homeWh(t);
    plan.push({ sensor: 'energy', quantity: 'energy', unit: 'Wh', value: total, ts: t + 31 * MINUTE });
  }
  // their power over the challenge's evening, for the live figure against the usual
  for (let t = paris('2026-12-12T18:00'); t < until; t += MINUTE)
    plan.push({ sensor: 'power', quantity: 'power', unit: 'W', value: 900, ts: t + 20_000 });
  return plan.sort((x, y) => x.ts - y.ts);
}

function sunPlan(until: number): Plan {
  const plan: Plan = [];
  for (let day = paris(`${FIRST_DAY}T00:00`); day < until; day += 24 * HOUR)
    for (const [h, w] of Object.entries(SUN))
      for (let m = 0; m < 60; m += 10)
        plan.push({
          sensor: 'clamp-power',
          quantity: 'power_produced',
          unit: 'W',
          value: w,
          ts: day + Number(h) * HOUR + m * MINUTE + 30_000,
        });
  return plan;
}

/** Sets the tariff, the signal's days and the challenge on the console, then registers the nodes. */
export async function startTogetherNeighbourhood(th: TestHub): Promise<TogetherNeighbourhood> {
  for (const line of CONSOLE_COMMANDS) {
    const r = await th.run(line);
    if (r.code !== 0) throw new Error(`${line}: ${r.output}`);
  }
  th.addHousehold('salle', 'open', 'place');
  await th.run('household rename salle "Salle des fêtes"');
  const clients = new Map<string, MqttClient>();
  const plans = new Map<string, Plan>();
  const sent = new Map<string, number>();
  const end = AFTER + HOUR;
  const { secret } = await th.addNode('salle-solar', { household: 'salle' });
  const solar = await connectNode(th.mqttUrl, 'salle-solar', secret);
  await sendMeta(solar, 'salle-solar', [{ id: 'clamp-power', quantity: 'power_produced', unit: 'W' }]);
  clients.set('salle-solar', solar);
  plans.set('salle-solar', sunPlan(end));
  for (const home of HOMES) {
    const node = `meter-${home}`;
    const { secret: s } = await th.addNode(node, { household: `home-${home}`, sharing: 'private' });
    const c = await connectNode(th.mqttUrl, node, s);
    await sendMeta(c, node, [
      { id: 'energy', quantity: 'energy', unit: 'Wh' },
      { id: 'power', quantity: 'power', unit: 'W' },
    ]);
    clients.set(node, c);
    plans.set(node, homePlan(end));
  }
  return {
    async feed(upTo) {
      for (const [node, all] of plans) {
        const from = sent.get(node) ?? 0;
        const fresh = all.slice(from).filter((r) => r.ts <= upTo);
        sent.set(node, from + fresh.length);
        const readings = fresh.map((r, i) => ({ ...r, seq: from + i }));
        const c = clients.get(node) as MqttClient;
        for (let i = 0; i < readings.length; i += 500)
          await sendReadings(c, node, readings.slice(i, i + 500));
      }
    },
    async stop() {
      await Promise.all([...clients.values()].map((c) => c.endAsync()));
    },
  };
}
