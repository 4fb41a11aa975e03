import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { LiveAggregate, SharingLevel } from '../../protocol/index.ts';
import { LiveBus } from '../src/live-bus.ts';
import { CollectivePublisher } from '../src/privacy/collective-publisher.ts';
import { exposureOf, publicFrom } from '../src/privacy/exposure.ts';
import { CollectiveLedger } from '../src/store/collective-ledger.ts';
import { openDb } from '../src/store/db.ts';
import { ReadingsStore } from '../src/store/readings-store.ts';
import { Registry } from '../src/store/registry.ts';
import { RollupReader } from '../src/store/rollup-reader.ts';
import { SettingsStore } from '../src/store/settings.ts';
import { ANY_TIME, commitNow, entryOf } from './commit-entry.ts';
import { walFrames } from './wal-frames.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('exposure of a household in a bucket, from when it shared', () => {
  it('named when sharing since before the bucket, exposed when public during any of it, hidden otherwise', () => {
    expect(exposureOf([{ since: 0, until: null }], 100, 200)).toBe('named');
    expect(exposureOf([{ since: 150, until: null }], 100, 200)).toBe('exposed');
    expect(exposureOf([{ since: 250, until: null }], 100, 200)).toBe('hidden');
    expect(exposureOf([{ since: 0, until: 120 }], 100, 200)).toBe('exposed');
    expect(exposureOf([{ since: 0, until: 90 }], 100, 200)).toBe('hidden');
    expect(exposureOf([], 100, 200)).toBe('hidden');
    expect(publicFrom([{ since: 61_000, until: null }], MINUTE)).toBe(120_000);
    expect(publicFrom([{ since: 0, until: 5 }], MINUTE)).toBeNull();
  });
});

describe('the collective publisher: every collective figure decided once, by the rule, in the ledger', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-publisher-'));
  const db = openDb({ file: path.join(dir, 'test.db'), synchronous: 'NORMAL' });
  const t0 = Date.UTC(2026, 10, 1);
  let now = t0 + 2 * DAY;
  let registryNow = t0 - DAY;
  const registry = new Registry({ db, now: () => registryNow });
  // folded at every commit: late writes reach the table, whose triggers mark them for the publisher
  const store = new ReadingsStore({ db, registry, foldEveryMs: 0 });
  const settings = new SettingsStore({ db });
  settings.load();
  const bus = new LiveBus();
  const ledger = new CollectiveLedger({ db, rollups: new RollupReader({ db, held: store.rollups }) });
  const live: LiveAggregate[] = [];
  bus.on('aggregate', (a) => live.push(a));
  let publisher: CollectivePublisher;
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    publisher = new CollectivePublisher({ ledger, registry, settings, bus, now: () => now, log: () => {} });
  });

  let n = 0;
  const household = async (
    sharing: SharingLevel,
    quantities: ('power' | 'energy' | 'temperature')[] = ['power'],
  ) => {
    const id = `h${++n}`;
    registry.addHousehold({ id, name: id, sharing });
    await registry.addNode({ id: `${id}-n`, household: id });
    const units = { power: 'W', energy: 'Wh', temperature: '°C' };
    registry.applyMeta(`${id}-n`, {
      node: `${id}-n`,
      board: 'x',
      sensors: quantities.map((q) => ({ id: q, quantity: q, unit: units[q] })),
    });
    return id;
  };
  const write = (id: string, q: string, ts: number, value: number) => {
    const sensor = registry.sensor(`${id}-n`, q);
    if (!sensor) throw new Error(`no sensor ${id}/${q}`);
    commitNow(store, [entryOf(sensor, [{ ts, seq: ts, value }])], ANY_TIME);
  };
  const decideAll = () => {
    while (publisher.step()) {
      // a day of history per step
    }
  };
  const row = (q: 'power' | 'energy' | 'temperature', period: number, start: number) =>
    ledger.rows(q, period, start, start + period)[0];

  it('publishes a minute only when the remainder beyond the named households passes the rule', async () => {
    const m = t0 + 10 * MINUTE;
    const named = await household('community');
    const [a, b] = [await household('private'), await household('private')];
    write(named, 'power', m + 1000, 1000);
    write(a, 'power', m + 1000, 300);
    write(b, 'power', m + 1000, 310);
    write(named, 'power', m + MINUTE + 1000, 1000);
    write(a, 'power', m + MINUTE + 1000, 300);
    write(b, 'power', m + MINUTE + 1000, 310);
    decideAll();
    expect(row('power', MINUTE, m)).toMatchObject({ value: null, withheld: 'too_few' });
    const c = await household('private');
    write(c, 'power', m + MINUTE + 2000, 290);
    decideAll();
    // the second minute: a late reading of a third private household makes it pass
    expect(row('power', MINUTE, m + MINUTE)).toMatchObject({ value: 1900, households: 4, private: 3 });
    // a published minute that counted private households never changes again
    write(c, 'power', m + MINUTE + 3000, 2000);
    decideAll();
    expect(row('power', MINUTE, m + MINUTE)?.value).toBe(1900);
  });

  it('withholds a minute one private household dominates, and one whose only private part was public before', async () => {
    const m = t0 + 30 * MINUTE;
    const [a, b, c] = [await household('private'), await household('private'), await household('private')];
    write(a, 'power', m + 1000, 3000);
    write(b, 'power', m + 1000, 300);
    write(c, 'power', m + 1000, 200);
    const x = await household('community');
    write(x, 'power', m + MINUTE + 1000, 500);
    registryNow = m + 2 * MINUTE;
    registry.updateHousehold(x, { sharing: 'private' });
    registryNow = t0 - DAY;
    // x was public for this minute: it is exposed, and alone beyond the named ones
    decideAll();
    expect(row('power', MINUTE, m)).toMatchObject({ value: null, withheld: 'dominated' });
    expect(row('power', MINUTE, m + MINUTE)).toMatchObject({ value: null, withheld: 'exposed_only' });
  });

  it('makes hours of the published minutes only, and counters hourly, days of complete hours', async () => {
    const h = t0 + 5 * HOUR;
    const ids = [
      await household('private', ['power', 'energy']),
      await household('private', ['power', 'energy']),
    ];
    ids.push(await household('private', ['power', 'energy']));
    for (let i = 0; i < 3; i++)
      for (const [k, id] of ids.entries()) {
        // the third household misses the second minute: it is withheld
        if (k === 2 && i === 1) continue;
        write(id, 'power', h + i * MINUTE + 1000, 100 * (k + 1) + i);
      }
    for (const [k, id] of ids.entries()) {
      write(id, 'energy', h + 1000, 1000);
      write(id, 'energy', h + 20 * MINUTE, 1000 + 50 * (k + 1));
    }
    decideAll();
    const minutes = ledger.rows('power', MINUTE, h, h + HOUR);
    expect(minutes.map((r) => r.value)).toEqual([600, null, 606]);
    expect(row('power', HOUR, h)?.value).toBe(603);
    // energy: decided per hour (a finer step is never published)
    expect(ledger.rows('energy', MINUTE, h, h + HOUR)).toEqual([]);
    expect(row('energy', HOUR, h)?.value).toBe(300);
    expect(row('energy', DAY, Math.floor(h / DAY) * DAY)?.value).toBe(300);
  });

  it("a counter's closed day is published once: with withheld hours only if they, taken together, pass the rule", async () => {
    // two closed days of three private households' meters, written after they were decided (late)
    const ids = [
      await household('private', ['energy']),
      await household('private', ['energy']),
      await household('private', ['energy']),
    ];
    const meter = (day: number, hourly: number[][]) => {
      for (const [k, id] of ids.entries()) {
        let total = 0;
        write(id, 'energy', day + 1000, total);
        for (const [h, perHome] of hourly.entries()) {
          total += perHome[k] as number;
          write(id, 'energy', day + (h + 1) * HOUR - 1000, total);
        }
      }
    };
    const d1 = t0 - 2 * DAY;
    const d2 = t0 - DAY;
    // d1: one hour a dominates: the day minus its other hours would be that hour
    meter(d1, [
      [1000, 50, 50],
      [100, 100, 100],
    ]);
    // d2: one hour a dominates, one hour b: together neither makes half of them
    meter(d2, [
      [1000, 50, 50],
      [50, 1000, 50],
      [100, 100, 100],
    ]);
    decideAll();
    expect(row('energy', HOUR, d1)).toMatchObject({ value: null, withheld: 'dominated' });
    expect(row('energy', HOUR, d1 + HOUR)?.value).toBe(300);
    expect(row('energy', DAY, d1)).toMatchObject({ value: null, withheld: 'partial' });
    expect(row('energy', HOUR, d2)).toMatchObject({ value: null, withheld: 'dominated' });
    expect(row('energy', HOUR, d2 + HOUR)).toMatchObject({ value: null, withheld: 'dominated' });
    expect(row('energy', HOUR, d2 + 2 * HOUR)?.value).toBe(300);
    expect(row('energy', DAY, d2)?.value).toBe(2500);
  });

  it('late rollups of one bucket from several series in one commit are marked once, and ingest commits', async () => {
    const m = t0 + 50 * MINUTE;
    const ids = [await household('private'), await household('private'), await household('private')];
    decideAll();
    const entries = ids.map((id, i) => {
      const sensor = registry.sensor(`${id}-n`, 'power');
      if (!sensor) throw new Error('no sensor');
      return entryOf(sensor, [{ ts: m + 1000 + i, seq: m + i, value: 100 + i }]);
    });
    // one commit writes three rollups of the same minute, after that minute was decided
    expect(() => commitNow(store, entries, ANY_TIME)).not.toThrow();
    decideAll();
    expect(row('power', MINUTE, m)?.value).toBe(303);
  });

  it('late readings every fifth minute of a decided hour: the minutes they complete pass, those between stay withheld, the hour follows', async () => {
    const h = t0 + 7 * HOUR;
    const named = await household('community');
    const [a, b] = [await household('private'), await household('private')];
    for (let i = 0; i < 15; i++) {
      write(named, 'power', h + i * MINUTE + 1000, 1000);
      write(a, 'power', h + i * MINUTE + 1000, 300);
      write(b, 'power', h + i * MINUTE + 1000, 310);
    }
    decideAll();
    expect(ledger.rows('power', MINUTE, h, h + HOUR).every((r) => r.withheld === 'too_few')).toBe(true);
    expect(row('power', HOUR, h)).toMatchObject({ value: null, withheld: 'partial' });
    // a third private household's history, one reading every five minutes (as the demo's places)
    const c = await household('private');
    for (const i of [0, 5, 10]) write(c, 'power', h + i * MINUTE + 2000, 290);
    decideAll();
    const minutes = ledger.rows('power', MINUTE, h, h + HOUR);
    expect(minutes.filter((r) => r.value !== null).map((r) => (r.start - h) / MINUTE)).toEqual([0, 5, 10]);
    expect(minutes.filter((r) => r.value === null).every((r) => r.withheld === 'too_few')).toBe(true);
    expect(row('power', MINUTE, h + 5 * MINUTE)).toMatchObject({ value: 1900, households: 4, private: 3 });
    expect(row('power', HOUR, h)).toMatchObject({ value: 1900, withheld: null });
  });

  it('emits the newest minute live, published or withheld with the reason, and withdraws it on request', async () => {
    now = Date.UTC(2026, 11, 1, 12, 0, 30);
    const m = Date.UTC(2026, 11, 1, 11, 59);
    const named = await household('open');
    const [a, b, c] = [await household('private'), await household('private'), await household('private')];
    for (const [id, w] of [
      [named, 700],
      [a, 100],
      [b, 110],
      [c, 120],
    ] as const)
      write(id, 'power', m + 5000, w);
    live.length = 0;
    decideAll();
    const last = live.filter((e) => e.quantity === 'power').at(-1);
    expect(last).toMatchObject({
      ts: m,
      stepMs: MINUTE,
      value: 1030,
      households: 4,
      named: { value: 700, households: 1 },
    });
    publisher.withdrawLive();
    expect(live.at(-1)).toMatchObject({ quantity: 'power', value: null, households: null });
    // the next steps do not bring the withdrawn figure back: the next minute comes afresh
    live.length = 0;
    while (publisher.step()) {
      // nothing new has settled
    }
    publisher.step();
    expect(live.filter((e) => e.quantity === 'power' && e.value !== null)).toEqual([]);
  });

  it('after a restart the newest minute decided before is the live figure at once, as it was', async () => {
    now = Date.UTC(2026, 11, 1, 12, 2, 30);
    const m = Date.UTC(2026, 11, 1, 12, 1);
    const named = await household('open');
    const [a, b, c] = [await household('private'), await household('private'), await household('private')];
    for (const [id, w] of [
      [named, 600],
      [a, 100],
      [b, 120],
      [c, 130],
    ] as const)
      write(id, 'power', m + 5000, w);
    decideAll();
    const power = (p: CollectivePublisher) => p.current().find((x) => x.quantity === 'power');
    const before = power(publisher);
    expect(before).toMatchObject({ ts: m, value: 950, named: { value: 600, households: 1 } });
    // the hub restarts within the minute: a new publisher over the same ledger
    const again = new CollectivePublisher({ ledger, registry, settings, bus, now: () => now, log: () => {} });
    expect(power(again)).toBeUndefined();
    live.length = 0;
    while (again.step()) {
      // nothing new has settled: only the live figure comes back
    }
    expect(power(again)).toEqual(before);
    expect(live.filter((x) => x.quantity === 'power')).toEqual([before]);
    expect(row('power', MINUTE, m)?.value).toBe(950);

    // a household erased (its rollups gone, held and stored, as the eraser leaves them; the hub
    // withdraws the live figure): neither deciding the minute again nor a restart brings it back
    again.withdrawLive();
    const erased = registry.sensor(`${a}-n`, 'power')?.id ?? -1;
    store.forget([`${a}-n`], [erased]);
    expect(db.prepare('DELETE FROM rollups WHERE sensor_id = ?').run(erased).changes).toBeGreaterThan(0);
    live.length = 0;
    while (again.step()) {
      // the erased minute, marked late, decided again
    }
    expect(live.filter((x) => x.quantity === 'power' && x.value !== null)).toEqual([]);
    expect(power(again)).toMatchObject({ ts: m, value: null, withheld: 'withdrawn', named: null });
    const third = new CollectivePublisher({ ledger, registry, settings, bus, now: () => now, log: () => {} });
    while (third.step()) {
      // nothing new has settled
    }
    expect(power(third)).toBeUndefined();
    expect(row('power', MINUTE, m)?.value).toBe(950);
  });

  it('a minute decided for every quantity writes no page: the verdicts are held until the fold', async () => {
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) ids.push(await household('private', ['power', 'temperature']));
    now = Date.UTC(2026, 11, 1, 13, 0, 30);
    decideAll();
    const m = Date.UTC(2026, 11, 1, 13, 0);
    now = m + MINUTE + 30_000;
    for (const [i, id] of ids.entries()) {
      write(id, 'power', m + 5000, 100 + i);
      write(id, 'temperature', m + 5000, 20 + i);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    decideAll();
    expect(row('power', MINUTE, m)?.value).toBe(303);
    expect(row('temperature', MINUTE, m)?.value).toBe(21);
    expect(walFrames(db.name).frames).toBe(0);
  });
});

describe('the privacy settings on the console', () => {
  it('k may only be raised and the dominance share only lowered, each refusal one line', async () => {
    const { startTestHub } = await import('../../tests/support/test-hub.ts');
    const th = await startTestHub();
    try {
      expect((await th.run('settings set privacy k 5')).code).toBe(0);
      const lower = await th.run('settings set privacy k 3');
      expect(lower).toEqual({ code: 2, output: 'error: k may only be raised: it is 5, got 3' });
      expect((await th.run('settings set privacy dominance 40')).code).toBe(0);
      expect((await th.run('settings set privacy dominance 50')).output).toMatch(/may only be lowered/);
      expect((await th.run('settings set privacy dominance 90')).code).toBe(2);
      expect(th.hub.store.settings.get()).toMatchObject({ privacyK: 5, privacyDominance: 0.4 });
      expect((await th.run('settings')).output).toMatch(/privacy +k = 5 private households, none above 40 %/);
    } finally {
      await th.stop();
    }
  });
});
