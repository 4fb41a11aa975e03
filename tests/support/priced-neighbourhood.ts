import type { MqttClient } from 'mqtt';
import type { Reading } from '../../protocol/index.ts';
import { connectNode, getJson, sendMeta, sendReadings } from './mqtt-node.ts';
import type { TestHub } from './test-hub.ts';

/**
 * Three homes with known energy in known hours, under three tariffs and a Tempo red day, for tests
 * that check money against a hand computation (hub/test/tariff.test.ts, tests/e2e/money.test.ts).
 * The hub is told it is noon on Monday 2 February 2026 in Paris (startTestHub's `now`).
 */

/** The UTC instant of a Paris wall-clock time, `2026-01-15T18:00` (winter: UTC+1). */
export function paris(local: string): number {
  return Date.parse(`${local}:00+01:00`);
}

export const NOW = paris('2026-02-02T12:00');

/**
 * Prices:
 *   single to 14 Jan: 0.20/kWh, 0.48/day
 *   Tempo 15–31 Jan: blue 0.16/0.13, white 0.19/0.15, red 0.66/0.16 (peak/off-peak), 0.60/day
 *   HP/HC from 1 Feb: 0.25/0.20, off-peak 22:00–06:00, 0.36/day
 * Tempo colours: 14 Jan white, 15 Jan red, 20 Jan white; 31 Jan not known; 3 Feb red.
 */
export const TARIFF_COMMANDS = [
  'settings set timezone Europe/Paris',
  'tariff set single --price 0.20 --daily 0.48 --from 2025-08-01',
  'tariff set tempo --blue-hp 0.16 --blue-hc 0.13 --white-hp 0.19 --white-hc 0.15 --red-hp 0.66 --red-hc 0.16 --daily 0.60 --from 2026-01-15',
  'tariff set hphc --hp 0.25 --hc 0.20 --hours 22:00-06:00 --daily 0.36 --from 2026-02-01',
  'tariff tempo-day 2026-01-14 white',
  'tariff tempo-day 2026-01-15 red',
  'tariff tempo-day 2026-01-20 white',
  'tariff tempo-day 2026-02-03 red',
];

/** Energy used by home A in each hour (B uses twice as much, C three times), and its price. */
export const HOURS: [hour: string, wh: number, price: string][] = [
  ['2026-01-14T20:00', 1000, 'single: 1 kWh × 0.20 = 0.20'],
  ['2026-01-15T05:00', 1000, 'Tempo, still the white day of the 14th, off-peak: 0.15'],
  ['2026-01-15T18:00', 2000, 'Tempo red, peak: 2 × 0.66 = 1.32'],
  ['2026-01-31T23:00', 1000, 'Tempo, colour not known: blue off-peak 0.13'],
  ['2026-02-01T00:00', 1000, 'HP/HC from 1 Feb, off-peak: 0.20'],
  ['2026-02-01T12:00', 1000, 'HP/HC, peak: 0.25'],
  ['2026-02-02T05:00', 1000, 'HP/HC, off-peak: 0.20'],
  ['2026-02-02T09:00', 1000, 'HP/HC, peak: 0.25'],
];

/** Home A alone (fewer than 3 households that hour): white Tempo day, peak, 0.19. */
export const A_ONLY: [string, number] = ['2026-01-20T10:00', 1000];

export interface PricedNeighbourhood {
  /** home A's private link token */
  tokenA: string;
  stop(): Promise<void>;
}

async function meter(
  th: TestHub,
  id: string,
  sharing: 'private' | 'community' | 'open',
  scale: number,
  extra: readonly [string, number][],
  base: readonly [string, number, string][] = HOURS,
) {
  const { secret } = await th.addNode(id, { household: `home-${id}`, sharing });
  const client = await connectNode(th.mqttUrl, id, secret);
  await sendMeta(client, id, [{ id: 'energy', quantity: 'energy', unit: 'Wh', label: 'Compteur' }]);
  const hours = [...base.map(([h, wh]) => [h, wh] as [string, number]), ...extra].sort(
    (a, b) => paris(a[0]) - paris(b[0]),
  );
  const first = hours[0]?.[0] ?? '';
  // the first reading is the meter's starting total (no energy); each later one lands in its hour
  const reading = (ts: number, value: number, seq: number): Reading => ({
    sensor: 'energy',
    quantity: 'energy',
    unit: 'Wh',
    value,
    ts,
    seq,
  });
  const readings = [reading(paris(first) + 60_000, 0, 0)];
  let total = 0;
  hours.forEach(([h, wh], i) => {
    total += wh * scale;
    readings.push(reading(paris(h) + 31 * 60_000, total, i + 1));
  });
  await sendReadings(client, id, readings);
  return client;
}

/** An open home's hour, before the range the tests price the others over: a public series of its own. */
export const D_HOUR: [string, number, string] = ['2026-01-04T20:00', 1000, 'single: 0.20'];

/**
 * Sets the tariffs on the console and feeds homes A, B and C, private (three private households make
 * a collective figure that passes the privacy rule, docs/PRIVACY.md; C's 3 of 6 kWh is not more than
 * half), and D, open, whose one hour (`D_HOUR`) is a public series.
 */
export async function feedPricedNeighbourhood(th: TestHub): Promise<PricedNeighbourhood> {
  for (const line of TARIFF_COMMANDS) {
    const r = await th.run(line);
    if (r.code !== 0) throw new Error(`${line}: ${r.output}`);
  }
  const clients: MqttClient[] = [
    await meter(th, 'a', 'private', 1, [A_ONLY]),
    await meter(th, 'b', 'private', 2, []),
    await meter(th, 'c', 'private', 3, []),
    await meter(th, 'd', 'open', 1, [], [D_HOUR]),
  ];
  // the collective hours are decided by the hub's privacy publisher shortly after they are stored
  const last = paris(HOURS.at(-1)?.[0] ?? '');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await getJson<{ buckets?: { t: number[] } }>(
      `${th.httpUrl}/api/cost?quantity=energy&from=${last}&to=${last + 3_600_000}&bucket=hour`,
    );
    if (r.body.buckets?.t.length === 1) break;
    if (Date.now() > deadline)
      throw new Error(`the collective hour ${HOURS.at(-1)?.[0]} was not decided in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const link = await th.run('household link home-a');
  const tokenA = /\/h\/([A-Za-z0-9_-]+)/.exec(link.output)?.[1];
  if (!tokenA) throw new Error(`no link in: ${link.output}`);
  return {
    tokenA,
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}
