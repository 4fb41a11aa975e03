import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CollectiveLedger } from '../src/store/collective-ledger.ts';
import { openDb } from '../src/store/db.ts';
import { type Points, pointsJson } from '../src/store/points-json.ts';
import { ReadingsStore } from '../src/store/readings-store.ts';
import { Registry } from '../src/store/registry.ts';
import { RollupReader } from '../src/store/rollup-reader.ts';
import { type CollectiveResult, SeriesQuery } from '../src/store/series-query.ts';
import { ANY_TIME, commitNow, entryOf } from './commit-entry.ts';

/** The named households' part of a collective result: what the cache serves. */
const pointsOf = (r: CollectiveResult) => JSON.parse(pointsJson(r.named.points)) as Points;

describe("the named households' part of collective figures, closed buckets kept in memory", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-collective-'));
  const db = openDb({ file: path.join(dir, 'test.db'), synchronous: 'NORMAL' });
  const t0 = Date.UTC(2026, 10, 1);
  // households that share since the day before: their series are public for every bucket here
  const registry = new Registry({ db, now: () => t0 - 86_400_000 });
  const store = new ReadingsStore({ db, registry, foldEveryMs: 0 });
  const now = t0 + 3 * 3_600_000;
  const query = new SeriesQuery({
    db,
    now: () => now,
    rollups: new RollupReader({ db, held: store.rollups }),
    ledger: new CollectiveLedger({ db, rollups: new RollupReader({ db, held: store.rollups }) }),
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const total = () =>
    pointsOf(query.collective('power', t0, t0 + 3 * 3_600_000, 'hour', 60_000)).value.reduce(
      (s, v) => s + v,
      0,
    );
  const write = (node: string, ts: number, value: number) => {
    const sensor = registry.sensor(node, 'p');
    if (!sensor) throw new Error('no sensor');
    commitNow(store, [entryOf(sensor, [{ ts, seq: ts, value }])], ANY_TIME);
  };

  it('answer again from memory, and see late readings, node moves and erased rollups at once', async () => {
    for (const n of ['a', 'b', 'c']) {
      registry.addHousehold({ id: `h${n}`, name: n, sharing: 'community' });
      await registry.addNode({ id: n, household: `h${n}` });
      registry.applyMeta(n, { node: n, board: 'x', sensors: [{ id: 'p', quantity: 'power', unit: 'W' }] });
      write(n, t0 + 60_000, 100);
    }
    expect(total()).toBe(300);
    expect(total()).toBe(300);
    // a replayed reading lands in the closed first hour: mean of b is now 150
    write('b', t0 + 120_000, 200);
    expect(total()).toBe(350);
    // a node leaves its household: its series no longer counts
    registry.updateNode('c', { household_id: null });
    expect(total()).toBe(250);
    registry.updateNode('c', { household_id: 'hc' });
    expect(total()).toBe(350);
    // a household stops sharing: its series leaves the named part
    registry.updateHousehold('hc', { sharing: 'private' });
    expect(total()).toBe(250);
    // shares again (the registry's clock is the day before t0: every bucket here comes after)
    registry.updateHousehold('hc', { sharing: 'community' });
    expect(total()).toBe(350);
    db.prepare('DELETE FROM rollups WHERE sensor_id = ?').run(registry.sensor('a', 'p')?.id);
    expect(total()).toBe(250);
  });

  it('compute again only the buckets a late reading reached', () => {
    for (const n of ['a', 'b', 'c']) for (let h = 0; h < 3; h++) write(n, t0 + h * 3_600_000 + 30_000, 100);
    const hours = () => pointsOf(query.collective('power', t0, t0 + 3 * 3_600_000, 'hour', 60_000)).value;
    const before = hours();
    expect(before.length).toBe(3);
    // a write the triggers cannot see shows which buckets came from memory
    const other = new Database(path.join(dir, 'test.db'));
    other
      .prepare('UPDATE rollups SET sum = sum * 2 WHERE period = 3600000 AND start = ?')
      .run(t0 + 3_600_000);
    other.close();
    write('c', t0 + 2 * 3_600_000 + 60_000, 400);
    const after = hours();
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after.length).toBe(3);
    // the late reading landed in the third hour, computed again from SQLite
    const third = db
      .prepare('SELECT sum(sum / count) FROM rollups WHERE period = 3600000 AND start = ?')
      .pluck()
      .get(t0 + 2 * 3_600_000);
    expect(after[2]).toBe(third);
  });

  it('stay cached while live readings update the open minute, hour and day buckets', () => {
    for (const n of ['a', 'b', 'c']) write(n, t0 + 90 * 60_000, 100);
    const minutes = () =>
      pointsOf(query.collective('power', t0 + 60 * 60_000, now, 'minute', 60_000)).value[0];
    expect(minutes()).toBe(300);
    // a write the triggers cannot see (another connection) shows whether the answer came from memory
    const other = new Database(path.join(dir, 'test.db'));
    other.prepare('UPDATE rollups SET sum = 999 WHERE period = 60000 AND start = ?').run(t0 + 90 * 60_000);
    other.close();
    // the open hour and day buckets of the same series take this reading: no reason to recompute
    write('a', now - 1000, 100);
    expect(minutes()).toBe(300);
  });
});
