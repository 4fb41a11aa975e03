import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharingLevel } from '../../protocol/index.ts';
import { rng } from '../support/rng.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import {
  breaches,
  byBucket,
  type Candidate,
  describe as describeBreaches,
  meanRemainders,
  remainders,
} from './support/adversary.ts';
import { HOUR, MINUTE, Neighbourhood, pastHour, type ScenarioQuantity } from './support/neighbourhood.ts';
import { namedSeries, publicSeries, registeredCount, settled } from './support/public-view.ts';

/**
 * Subtraction across endpoints, quantities and steps, over random mixes of sharing levels (a seeded
 * generator: a failure names its seed and reproduces). Each scenario is a neighbourhood of its own
 * on one hub, writing in an hour of the past no other scenario writes in. The adversary reads only
 * /api/register and /api/series; it subtracts the named series from the collective at every step,
 * scales averaged quantities by every plausible count, and takes coarse buckets minus the finer
 * ones published inside them.
 */
const SCENARIOS = 6;
const MINUTES = 8;
const LEVELS: SharingLevel[] = ['private', 'private', 'community', 'open', 'private'];

describe('adversary: subtraction over random mixes of sharing levels', () => {
  let th: TestHub;
  const hoods: Neighbourhood[] = [];

  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(async () => {
    for (const h of hoods) await h.close();
    await th.stop();
  });

  it('no public figure, alone or subtracted, equals what fewer than 3 private households (or one dominant one) put in', async () => {
    const found: string[] = [];
    // the model must not pass by publishing nothing: buckets with private households in them count
    let publishedWithPrivate = 0;
    for (let s = 0; s < SCENARIOS; s++) {
      const seed = 1000 + s;
      const random = rng(seed);
      const hood = new Neighbourhood(th, `s${s}-`);
      hoods.push(hood);
      const hour = pastHour(2 + s);
      const base = hour + 10 * MINUTE;
      const size = 3 + Math.floor(random() * 5);
      for (let i = 0; i < size; i++) {
        const sharing = LEVELS[Math.floor(random() * LEVELS.length)] as SharingLevel;
        const qs: ScenarioQuantity[] = ['power'];
        if (random() < 0.6) qs.push('temperature');
        if (random() < 0.7) qs.push('energy');
        await hood.add(`h${i}`, sharing, qs);
      }
      // each household reports most minutes, two power and temperature readings a minute, and its
      // meter total when it reports: the sets of contributors differ from minute to minute
      for (const m of hood.members.values()) {
        const readings: { q: ScenarioQuantity; ts: number; value: number }[] = [];
        let total = 1000 + Math.round(random() * 5000);
        for (let i = 0; i < MINUTES; i++) {
          const t = base + i * MINUTE;
          if (random() < 0.85) {
            for (const off of [5_000, 35_000]) {
              readings.push({ q: 'power', ts: t + off, value: Math.round(50 + random() * 3000) });
              if (m.quantities.includes('temperature'))
                readings.push({
                  q: 'temperature',
                  ts: t + off,
                  value: Math.round(150 + random() * 100) / 10,
                });
            }
          }
          if (m.quantities.includes('energy') && random() < 0.7) {
            total += Math.round(random() * 60);
            readings.push({ q: 'energy', ts: t + 20_000, value: total });
          }
        }
        await hood.send(m.household.slice(hood.prefix.length), readings);
      }

      const from = hour;
      const to = hour + HOUR;
      // the hub has evaluated what it was sent once its answers stop changing
      await settled(
        () =>
          Promise.all(
            (['power', 'temperature', 'energy'] as const).map((quantity) =>
              publicSeries(th, { quantity, from, to, step: 'minute' }),
            ),
          ),
        1000,
      );
      const report = (q: ScenarioQuantity, list: ReturnType<typeof breaches>) => {
        if (list.length > 0) found.push(`seed ${seed}, ${q}:\n${describeBreaches(list)}`);
      };
      for (const q of ['power', 'temperature', 'energy'] as const) {
        const named = await namedSeries(th, q, hood.prefix);
        const seen: Record<string, { collective: Map<number, number>; named: Map<number, number>[] }> = {};
        for (const step of ['minute', 'hour'] as const) {
          const c = await publicSeries(th, { quantity: q, from, to, step });
          const collective = byBucket(c.points);
          const namedMaps = await Promise.all(
            named.map(async (sensor) =>
              byBucket((await publicSeries(th, { sensor, from, to, step })).points),
            ),
          );
          seen[step] = { collective, named: namedMaps };
          if (step === 'minute' && q === 'power')
            for (const b of collective.keys())
              if (hood.contributions(q, b, MINUTE, 'private').size > 0) publishedWithPrivate++;
          const period = c.stepMs === HOUR ? HOUR : MINUTE;
          let candidates: Candidate[];
          if (q === 'temperature') {
            const all = await registeredCount(th, q);
            const counts = Array.from({ length: all }, (_, i) => i + 1);
            candidates = meanRemainders(`${q} ${step} collective×n − named`, collective, namedMaps, counts);
          } else {
            candidates = remainders(`${q} ${step} collective − named`, collective, namedMaps);
          }
          report(
            q,
            breaches(candidates, (b) => hood.contributions(q, b, period, 'private'), undefined, {
              dominance: q !== 'temperature',
            }),
          );
        }
        if (q !== 'energy') continue;
        // across steps: an hour minus the minutes published inside it leaves the others
        const minutes = seen.minute;
        const hours = seen.hour;
        if (!minutes || !hours) continue;
        const rest = (s: { collective: Map<number, number>; named: Map<number, number>[] }, b: number) =>
          (s.collective.get(b) ?? 0) - s.named.reduce((sum, n) => sum + (n.get(b) ?? 0), 0);
        const candidates: Candidate[] = [];
        const hidden = new Map<number, number[]>();
        for (const h of hours.collective.keys()) {
          const inside = [...minutes.collective.keys()].filter((m) => m >= h && m < h + HOUR);
          if (inside.length === 0) continue;
          let value = rest(hours, h);
          for (const m of inside) value -= rest(minutes, m);
          candidates.push({ how: 'energy hour − the minutes published in it', bucket: h, value });
          const missing: number[] = [];
          for (let m = h; m < h + HOUR; m += MINUTE) if (!minutes.collective.has(m)) missing.push(m);
          hidden.set(h, missing);
        }
        report(
          q,
          breaches(candidates, (h) => {
            const out = new Map<string, number>();
            for (const m of hidden.get(h) ?? [])
              for (const [hh, v] of hood.contributions('energy', m, MINUTE, 'private'))
                out.set(hh, (out.get(hh) ?? 0) + v);
            return out;
          }),
        );
      }
    }
    expect(found, found.join('\n')).toEqual([]);
    expect(publishedWithPrivate).toBeGreaterThan(0);
  }, 120_000);
});
