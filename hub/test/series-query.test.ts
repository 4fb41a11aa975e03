import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectiveLedger } from '../src/store/collective-ledger.ts';
import { openDb } from '../src/store/db.ts';
import { type Points, pointsJson } from '../src/store/points-json.ts';
import { ReadingsStore } from '../src/store/readings-store.ts';
import { Registry } from '../src/store/registry.ts';
import { RollupReader } from '../src/store/rollup-reader.ts';
import { SeriesQuery, type SeriesResult } from '../src/store/series-query.ts';
import { ANY_TIME, commitNow, entryOf } from './commit-entry.ts';

const pointsOf = (r: SeriesResult) => JSON.parse(pointsJson(r.points)) as Points;

describe('series answered as JSON text', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-series-'));
  const file = path.join(dir, 'test.db');
  const db = openDb({ file, synchronous: 'NORMAL' });
  const t0 = Date.UTC(2026, 10, 1);
  // households that share since the day before t0: their series are public for every bucket here
  const registry = new Registry({ db, now: () => t0 - 86_400_000 });
  const store = new ReadingsStore({ db, registry, foldEveryMs: 0 });
  let now = t0 + 3 * 3_600_000;
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
  const write = (node: string, sensorId: string, ts: number, value: number) => {
    const sensor = registry.sensor(node, sensorId);
    if (!sensor) throw new Error(`no sensor ${node}/${sensorId}`);
    commitNow(store, [entryOf(sensor, [{ ts, seq: ts, value }])], ANY_TIME);
  };
  beforeAll(async () => {
    for (const n of ['a', 'b', 'c']) {
      registry.addHousehold({ id: `h${n}`, name: n, sharing: 'community' });
      await registry.addNode({ id: n, household: `h${n}` });
      registry.applyMeta(n, {
        node: n,
        board: 'x',
        sensors: [
          { id: 'p', quantity: 'power', unit: 'W' },
          { id: 'e', quantity: 'energy', unit: 'Wh' },
        ],
      });
    }
  });

  it('one series: the rollup columns SQLite writes parse to the very doubles of the rows, in time order', () => {
    // out of order, with values whose means need all 17 digits
    for (const m of [50, 3, 17, 0, 120, 121]) {
      for (let k = 0; k < 3; k++) write('a', 'p', t0 + m * 60_000 + k * 10_000, 100 / 3 + m * 0.1 + k / 7);
    }
    const sensor = registry.sensor('a', 'p');
    if (!sensor) throw new Error('no sensor');
    const r = query.series(sensor, t0, t0 + 3 * 3_600_000, 'minute');
    const rows = db
      .prepare(
        'SELECT start, count, sum, min, max FROM rollups WHERE sensor_id = ? AND period = 60000 ORDER BY start',
      )
      .all(sensor.id) as { start: number; count: number; sum: number; min: number; max: number }[];
    expect(r.step).toBe('minute');
    expect(pointsOf(r)).toEqual({
      t: rows.map((x) => x.start),
      value: rows.map((x) => x.sum / x.count),
      min: rows.map((x) => x.min),
      max: rows.map((x) => x.max),
    });
    expect(pointsOf(query.series(sensor, t0 + 86_400_000, t0 + 2 * 86_400_000, 'hour'))).toEqual({
      t: [],
      value: [],
      min: [],
      max: [],
    });
  });

  it('one series of a counter: the value of a bucket is its sum (energy used in it)', () => {
    write('a', 'e', t0 + 60_000, 1000);
    write('a', 'e', t0 + 4_000_000, 1012.5);
    const sensor = registry.sensor('a', 'e');
    if (!sensor) throw new Error('no sensor');
    const sums = db
      .prepare('SELECT sum FROM rollups WHERE sensor_id = ? AND period = 3600000 ORDER BY start')
      .pluck()
      .all(sensor.id);
    expect(pointsOf(query.series(sensor, t0, t0 + 3 * 3_600_000, 'hour')).value).toEqual(sums);
  });

  it("collective: the named households' open buckets are read again after every write, by this connection or another", () => {
    now = t0 + 3 * 3_600_000 + 30_000;
    const openMinute = t0 + 3 * 3_600_000;
    for (const n of ['a', 'b', 'c']) write(n, 'p', openMinute + 1000, 100);
    const last = () => {
      const r = query.collective('power', t0 + 2 * 3_600_000, now, 'minute', 60_000);
      const p = JSON.parse(pointsJson(r.named.points)) as Points;
      return [p.t.at(-1), p.value.at(-1)];
    };
    expect(last()).toEqual([openMinute, 300]);
    expect(last()).toEqual([openMinute, 300]);
    write('b', 'p', openMinute + 2000, 300);
    expect(last()).toEqual([openMinute, 400]);
    const other = new Database(file);
    other
      .prepare(
        'UPDATE rollups SET sum = 1000, count = 1 WHERE period = 60000 AND start = ? AND sensor_id = ?',
      )
      .run(openMinute, registry.sensor('c', 'p')?.id);
    other.close();
    expect(last()).toEqual([openMinute, 1300]);
  });

  it('collective: a step finer than the base bucket is answered at the base bucket', () => {
    const r = query.collective('energy', t0, t0 + 3 * 3_600_000, 'minute', 3_600_000);
    expect([r.step, r.stepMs]).toEqual(['hour', 3_600_000]);
  });
});
