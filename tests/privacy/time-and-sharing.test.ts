import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import {
  breaches,
  byBucket,
  describe as describeBreaches,
  differences,
  remainders,
} from './support/adversary.ts';
import { HOUR, MINUTE, Neighbourhood, pastHour } from './support/neighbourhood.ts';
import { namedSeries, publicSeries, settled } from './support/public-view.ts';

/**
 * Subtraction across time: the adversary keeps what it read, an event happens (a household comes
 * back online and replays what it buffered, changes its sharing level, or is erased), and it reads
 * again. Whatever changed between the two readings, or whatever the new public series explain of
 * the old collective, must not isolate fewer than 3 private households.
 */
const MINUTES = 6;

describe('adversary: subtraction across time windows and sharing changes', () => {
  let th: TestHub;
  const hoods: Neighbourhood[] = [];
  let back = 2;

  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(async () => {
    for (const h of hoods) await h.close();
    await th.stop();
  });

  /** A neighbourhood writing in an hour of its own; `watts(name, minute)` gives each power reading. */
  async function scenario(
    prefix: string,
    members: [string, 'private' | 'community' | 'open'][],
  ): Promise<{ hood: Neighbourhood; base: number; from: number; to: number }> {
    const hood = new Neighbourhood(th, prefix);
    hoods.push(hood);
    for (const [name, sharing] of members) await hood.add(name, sharing, ['power']);
    const from = pastHour(back++);
    return { hood, base: from + 10 * MINUTE, from, to: from + HOUR };
  }

  // distinct for every letter: two households with the same readings would let a figure read
  // before the last one was counted pass for a remainder of fewer than k
  const watts = (name: string, i: number) =>
    100 + 37 * (name.charCodeAt(name.length - 1) % 29) + 11 * i + i * i;

  async function sendMinutes(
    hood: Neighbourhood,
    name: string,
    base: number,
    minutes: number[],
  ): Promise<void> {
    await hood.send(
      name,
      minutes.map((i) => ({ q: 'power' as const, ts: base + i * MINUTE + 15_000, value: watts(name, i) })),
    );
  }

  const collective = async (from: number, to: number) =>
    byBucket(
      (await settled(() => publicSeries(th, { quantity: 'power', from, to, step: 'minute' }), 2000, 20_000))
        .points,
    );

  it('a private household offline for a while, then replaying what it buffered, is not given away', async () => {
    const { hood, base, from, to } = await scenario('tw-', [
      ['a', 'private'],
      ['b', 'private'],
      ['c', 'private'],
      ['d', 'private'],
    ]);
    const all = Array.from({ length: MINUTES }, (_, i) => i);
    for (const n of ['a', 'b', 'c']) await sendMinutes(hood, n, base, all);
    // d is offline for minutes 2 and 3
    await sendMinutes(hood, 'd', base, [0, 1, 4, 5]);
    const before = await collective(from, to);
    const truthBefore = new Map(
      [...before.keys()].map((b) => [b, hood.contributions('power', b, MINUTE, 'private')]),
    );
    // d comes back and its agent replays the readings it kept on disk
    await sendMinutes(hood, 'd', base, [2, 3]);
    const after = await collective(from, to);
    const changed = (b: number) => {
      const now = hood.contributions('power', b, MINUTE, 'private');
      const was = truthBefore.get(b) ?? new Map<string, number>();
      const out = new Map<string, number>();
      for (const [h, v] of now) out.set(h, v - (was.get(h) ?? 0));
      return out;
    };
    const found = breaches(differences('power minute, after − before', before, after), changed);
    expect(found, describeBreaches(found)).toEqual([]);
  });

  it('a household that starts sharing does not reveal, with its past, the others of old collective figures', async () => {
    const { hood, base, from, to } = await scenario('up-', [
      ['a', 'private'],
      ['b', 'private'],
      ['d', 'private'],
      ['n', 'community'],
    ]);
    const all = Array.from({ length: MINUTES }, (_, i) => i);
    for (const n of ['a', 'b', 'd', 'n']) await sendMinutes(hood, n, base, all);
    const saved = await collective(from, to);
    const truth = new Map(
      [...saved.keys()].map((b) => [b, hood.contributions('power', b, MINUTE, 'private')]),
    );
    expect((await th.run(`household sharing ${hood.member('d').household} community`)).code).toBe(0);
    hood.setSharing('d', 'community');
    const named = await namedSeries(th, 'power', hood.prefix);
    const namedMaps = await Promise.all(
      named.map(async (sensor) =>
        byBucket((await publicSeries(th, { sensor, from, to, step: 'minute' })).points),
      ),
    );
    const found = breaches(
      remainders('saved collective − the series named now', saved, namedMaps),
      (b) => truth.get(b) ?? new Map(),
    );
    expect(found, describeBreaches(found)).toEqual([]);
  });

  it('a household that stops sharing does not make the others of its past buckets countable', async () => {
    const { hood, base, from, to } = await scenario('down-', [
      ['a', 'private'],
      ['b', 'private'],
      ['d', 'community'],
    ]);
    const all = Array.from({ length: MINUTES }, (_, i) => i);
    for (const n of ['a', 'b', 'd']) await sendMinutes(hood, n, base, all);
    await collective(from, to);
    // the adversary keeps d's series while it is public
    const dSeries = byBucket(
      (await publicSeries(th, { sensor: `${hood.member('d').node}/power`, from, to, step: 'minute' })).points,
    );
    expect(dSeries.size).toBe(MINUTES);
    const truth = new Map(
      [...dSeries.keys()].map((b) => [b, hood.contributions('power', b, MINUTE, 'private')]),
    );
    expect((await th.run(`household sharing ${hood.member('d').household} private`)).code).toBe(0);
    // a late reading of a's touches those buckets again
    await hood.send('a', [{ q: 'power', ts: base + 2 * MINUTE + 45_000, value: watts('a', 2) }]);
    const after = await collective(from, to);
    const found = breaches(remainders('collective after − d as it was public', after, [dSeries]), (b) => {
      const now = hood.contributions('power', b, MINUTE);
      const out = new Map<string, number>();
      for (const h of truth.get(b)?.keys() ?? []) out.set(h, now.get(h) ?? 0);
      return out;
    });
    expect(found, describeBreaches(found)).toEqual([]);
  });

  it('erasing a private household does not publish, as a difference, what it consumed', async () => {
    const { hood, base, from, to } = await scenario('gone-', [
      ['a', 'private'],
      ['b', 'private'],
      ['c', 'private'],
      ['d', 'private'],
    ]);
    const all = Array.from({ length: MINUTES }, (_, i) => i);
    for (const n of ['a', 'b', 'c', 'd']) await sendMinutes(hood, n, base, all);
    const before = await collective(from, to);
    expect(before.size).toBeGreaterThan(0);
    const d = new Map([...before.keys()].map((b) => [b, hood.contributions('power', b, MINUTE, 'private')]));
    const erased = await th.run(`household erase ${hood.member('d').household} --yes`);
    expect(erased.code).toBe(0);
    const after = await collective(from, to);
    const found = breaches(differences('power minute, before − after erasure', after, before), (b) => {
      const out = new Map<string, number>();
      const dv = d.get(b)?.get(hood.member('d').household);
      if (dv !== undefined) out.set(hood.member('d').household, dv);
      return out;
    });
    expect(found, describeBreaches(found)).toEqual([]);
  });
});
