import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChallengesBody, type ChallengeView, type Reading } from '../../protocol/index.ts';
import { connectNode, getJson, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

/** The UTC instant of a Paris wall-clock time in winter (UTC+1). */
const at = (local: string) => Date.parse(`${local}:00+01:00`);

/**
 * Generated data with a hand computation (docs/COLLECTIVE.md, "Challenges"). Saturday 12 December
 * 2026, a red Tempo day, challenge 18:00–20:00 with a target of -10 %. Households a, b, c use
 * 2, 3 and 4 units: a unit is 1000 Wh × f from 18:00 and 800 Wh × f from 19:00, where f is the
 * week's factor: 5 Dec 1.0, 28 Nov 0.9 (a fourth household, d, 3 units, joins that week only),
 * 21 Nov 1.1, 14 Nov 2.0 (but a challenge ran then: that week is left out).
 *
 *   per household, 18:00: 5 Dec 9000/3 = 3000; 28 Nov 12×900/4 = 2700; 21 Nov 9×1100/3 = 3300
 *     baseline 18:00 = (3000 + 2700 + 3300) / 3 = 3000 Wh; 19:00 the same × 0.8 = 2400 Wh
 *   12 Dec: 85 % of a unit at 18:00, 90 % at 19:00:
 *     used 18:00 = 0.85 × 9 × 1000 = 7650, expected 3 × 3000 = 9000
 *     used 19:00 = 0.90 × 9 × 800  = 6480, expected 3 × 2400 = 7200
 *   change = 14130 / 16200 - 1 = -12.78 % (met: -10 % was the target), saved 2070 Wh,
 *   at the red peak price 0.66 €/kWh: 1.3662 €; at 52 g/kWh: 107.64 g CO2.
 */
const UNITS: Record<string, number> = { a: 2, b: 3, c: 4, d: 3 };
const WEEKS: [date: string, f: number, homes: string[]][] = [
  ['2026-11-14', 2.0, ['a', 'b', 'c']],
  ['2026-11-21', 1.1, ['a', 'b', 'c']],
  ['2026-11-28', 0.9, ['a', 'b', 'c', 'd']],
  ['2026-12-05', 1.0, ['a', 'b', 'c']],
];
const DAY_SHARE = { 18: 0.85, 19: 0.9 };

function energyPlan(): Map<string, [ts: number, wh: number][]> {
  const plan = new Map<string, [number, number][]>();
  const add = (home: string, local: string, wh: number) => {
    const list = plan.get(home) ?? [];
    list.push([at(local) + 31 * 60_000, wh]);
    plan.set(home, list);
  };
  for (const [date, f, homes] of WEEKS)
    for (const h of homes) {
      add(h, `${date}T18:00`, 1000 * f * (UNITS[h] ?? 0));
      add(h, `${date}T19:00`, 800 * f * (UNITS[h] ?? 0));
    }
  for (const h of ['a', 'b', 'c']) {
    add(h, '2026-12-12T18:00', 1000 * DAY_SHARE[18] * (UNITS[h] ?? 0));
    add(h, '2026-12-12T19:00', 800 * DAY_SHARE[19] * (UNITS[h] ?? 0));
  }
  return plan;
}

let T = at('2026-12-12T19:40');
let th: TestHub;
const clients: MqttClient[] = [];

/** Each home's meter: a starting total, then each hour's energy landing in its hour. */
async function feed(upTo: number): Promise<void> {
  for (const [home, hours] of energyPlan()) {
    const node = `meter-${home}`;
    let client = clients.find((c) => c.options.username === node);
    if (!client) {
      const { secret } = await th.addNode(node, { household: `home-${home}`, sharing: 'private' });
      client = await connectNode(th.mqttUrl, node, secret);
      clients.push(client);
      await sendMeta(client, node, [{ id: 'energy', quantity: 'energy', unit: 'Wh' }]);
    }
    const readings: Reading[] = [];
    let total = 0;
    let seq = 0;
    const r = (ts: number, value: number): Reading => ({
      sensor: 'energy',
      quantity: 'energy',
      unit: 'Wh',
      value,
      ts,
      seq: seq++,
    });
    readings.push(r(at('2026-11-14T12:00'), 0));
    for (const [ts, wh] of hours.sort((x, y) => x[0] - y[0])) {
      total += wh;
      if (ts <= upTo) readings.push(r(ts, total));
    }
    await sendReadings(client, node, readings);
  }
}

async function views(): Promise<ChallengeView[]> {
  const { status, body } = await getJson(`${th.httpUrl}/api/challenges`);
  expect(status).toBe(200);
  return ChallengesBody.parse(body).challenges;
}

/** Published figures come a moment after the readings (the privacy rule decides settled hours). */
async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  th = await startTestHub({ now: () => T });
  for (const line of [
    'settings set timezone Europe/Paris',
    'tariff set tempo --blue-hp 0.16 --blue-hc 0.13 --white-hp 0.19 --white-hc 0.15 --red-hp 0.66 --red-hc 0.16 --daily 0.60 --from 2026-01-01',
    'signal set 2026-12-12 red',
    'challenge add old "Samedi sobre" --date 2026-11-14 --from 18:00 --to 20:00 --target -5%',
    'challenge add soiree-sobre "Soirée sobre" --date 2026-12-12 --from 18:00 --to 20:00 --target -10%',
  ]) {
    const r = await th.run(line);
    expect(r.code, `${line}: ${r.output}`).toBe(0);
  }
  await feed(T);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync()));
  await th?.stop();
});

describe('a challenge against a hand computation', () => {
  it('during the window: live, with the baseline and the first hour against what it expects', async () => {
    await until(async () => (await views()).find((v) => v.id === 'soiree-sobre')?.hours[0]?.wh === 7650);
    const v = (await views()).find((c) => c.id === 'soiree-sobre');
    expect(v?.state).toBe('live');
    expect(v?.baseline?.weeks).toEqual(['2026-12-05', '2026-11-28', '2026-11-21']);
    expect(v?.baseline?.perHomeWh).toBeCloseTo(3000 + 2400, 6);
    expect(v?.hours[0]).toEqual({ t: at('2026-12-12T18:00'), expectedWh: 9000, wh: 7650 });
    // the week of the other challenge has no earlier weeks of its own: no baseline, said so
    const old = (await views()).find((c) => c.id === 'old');
    expect([old?.state, old?.baseline, old?.figures]).toEqual(['done', null, null]);
    expect(old?.withheld).toMatch(/no baseline/);
  });

  it('after the window: the result as computed by hand, in kWh, € and CO2, kept once settled', async () => {
    T = at('2026-12-12T21:00');
    await until(async () => (await views()).find((v) => v.id === 'soiree-sobre')?.hours[1]?.wh === 6480);
    const v = (await views()).find((c) => c.id === 'soiree-sobre');
    expect(v?.state).toBe('done');
    const f = v?.figures;
    expect(f?.wh).toBeCloseTo(14_130, 6);
    expect(f?.expectedWh).toBeCloseTo(16_200, 6);
    expect(f?.changePct).toBeCloseTo((14_130 / 16_200 - 1) * 100, 6);
    expect(f?.savedWh).toBeCloseTo(2070, 6);
    expect(f?.savedCost).toBeCloseTo(2.07 * 0.66, 6);
    expect(f?.savedCo2g).toBeCloseTo(2.07 * 52, 6);
    expect([f?.met, f?.currency, f?.hours]).toEqual([true, 'EUR', 2]);

    th.hub.together.challenges.settle();
    const list = await th.run('challenge list');
    expect(list.output).toContain('soiree-sobre       2026-12-12 18:00–20:00  done');
    expect(list.output).toContain('−13 % (target -10 %, met), 2.1 kWh saved, ≈ 1.37 EUR, ≈ 108 g CO2');
  });

  it('a kept result does not move when a late reading lands in its window', async () => {
    const late = clients.find((c) => c.options.username === 'meter-a') as MqttClient;
    const total = th.hub.store.registry.sensor('meter-a', 'energy')?.last_total ?? 0;
    await sendReadings(late, 'meter-a', [
      {
        sensor: 'energy',
        quantity: 'energy',
        unit: 'Wh',
        value: total + 5000,
        ts: at('2026-12-12T19:50'),
        seq: 999,
      },
    ]);
    const v = (await views()).find((c) => c.id === 'soiree-sobre');
    expect(v?.figures?.wh).toBeCloseTo(14_130, 6);
  });

  it('the console refuses what cannot be a challenge, in one line', async () => {
    const cases: [string, string][] = [
      [
        'challenge add x "X" --date 2026-12-19 --from 18:30 --to 20:00 --target -10%',
        'from: write a whole hour as HH:00',
      ],
      [
        'challenge add x "X" --date 2026-12-19 --from 20:00 --to 18:00 --target -10%',
        'to: the window must end after it starts',
      ],
      [
        'challenge add x "X" --date 2026-12-19 --from 18:00 --to 20:00 --target 10%',
        'a target is a reduction: write --target -10%',
      ],
      ['challenge add x "X" --date 2026-12-19 --from 18:00 --to 20:00', 'missing --target'],
      [
        'challenge add soiree-sobre "Again" --date 2026-12-19 --from 18:00 --to 20:00 --target -10%',
        'a challenge "soiree-sobre" exists already',
      ],
      ['challenge remove nope', 'no challenge "nope"'],
    ];
    for (const [line, message] of cases) {
      const r = await th.run(line);
      expect(r.code, line).toBe(2);
      expect(r.output.split('\n')).toHaveLength(1);
      expect(r.output).toContain(message);
    }
    expect((await th.run('challenge remove old')).code).toBe(0);
    expect((await views()).map((v) => v.id)).toEqual(['soiree-sobre']);
  });
});
