import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../src/store/db.ts';
import { HouseholdEraser } from '../src/store/household-erase.ts';
import { HouseholdLinks } from '../src/store/household-links.ts';
import { ReadingsStore } from '../src/store/readings-store.ts';
import { Registry } from '../src/store/registry.ts';
import { PERIOD_LIST } from '../src/store/rollup.ts';
import { FLUSH_EVERY_MS, FLUSHED_AT_KEY } from '../src/store/rollup-buffer.ts';
import { RollupReader } from '../src/store/rollup-reader.ts';
import { type Points, pointsJson, SeriesQuery } from '../src/store/series-query.ts';
import { ANY_TIME, entryOf } from './commit-entry.ts';

const MINUTE = 60_000;

/** Every rollup row next to the aggregate of the raw readings it stands for. */
function compareWithRaw(db: Db): void {
  for (const period of PERIOD_LIST) {
    const direct = db
      .prepare(
        `SELECT sensor_id, CAST(ts / ? AS INTEGER) * ? AS start, count(*) AS count, sum(value) AS sum,
                min(value) AS min, max(value) AS max
         FROM all_readings GROUP BY sensor_id, start ORDER BY sensor_id, start`,
      )
      .all(period, period) as Record<string, number>[];
    const rolled = db
      .prepare(
        'SELECT sensor_id, start, count, sum, min, max FROM rollups WHERE period = ? ORDER BY sensor_id, start',
      )
      .all(period) as Record<string, number>[];
    expect(rolled.map((r) => [r.sensor_id, r.start, r.count, r.min, r.max])).toEqual(
      direct.map((d) => [d.sensor_id, d.start, d.count, d.min, d.max]),
    );
    for (const [i, d] of direct.entries()) expect(rolled[i]?.sum).toBeCloseTo(d.sum as number, 6);
  }
}

describe('rollups of recent readings held in memory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-rollup-buffer-'));
  const file = path.join(dir, 'test.db');
  let clock = Date.UTC(2026, 10, 2, 11, 58, 30);
  const now = () => clock;
  let db = openDb({ file, synchronous: 'NORMAL' });
  let registry = new Registry({ db });
  registry.load();
  let store = new ReadingsStore({ db, registry, now });
  let seq = 0;
  const rollupRows = () => (db.prepare('SELECT count(*) FROM rollups').pluck().get() as number) ?? 0;
  const commit = (node: string, times: number[]) => {
    const sensor = registry.sensor(node, 'p');
    if (!sensor) throw new Error(`no sensor on ${node}`);
    const points = times.map((ts) => ({ ts, seq: ++seq, value: (seq % 37) * 10 }));
    return store.commit([entryOf(sensor, points, clock)], ANY_TIME);
  };
  afterAll(() => {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes recent readings’ rollups about once a minute, yet every read sees them', async () => {
    for (const id of ['a', 'b', 'c']) {
      registry.addHousehold({ id: `h-${id}`, name: id, sharing: 'community' });
      await registry.addNode({ id, household: `h-${id}` });
      registry.applyMeta(id, { node: id, board: 'x', sensors: [{ id: 'p', quantity: 'power', unit: 'W' }] });
    }
    // the first commit on a database sets the marker; from then on, recent readings wait
    commit('a', [clock - 1000]);
    expect(db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(FLUSHED_AT_KEY)).toBe(
      String(clock),
    );
    const before = rollupRows();
    for (let i = 0; i < 10; i++) {
      clock += 5000;
      for (const node of ['a', 'b', 'c']) commit(node, [clock - 200, clock - 100]);
    }
    expect(rollupRows()).toBe(before);
    const held = store.rollups.heldCount;
    expect(held).toBeGreaterThan(0);
    // a reader merges the held cells with the table: the chart has every reading of the last
    // minutes, and the read wrote nothing
    const sensor = registry.sensor('b', 'p');
    if (!sensor) throw new Error('no sensor');
    const chart = new SeriesQuery({ db, now, rollups: new RollupReader({ db, held: store.rollups }) }).series(
      sensor,
      clock - 3_600_000,
      clock + 1,
      'minute',
    );
    const points = JSON.parse(pointsJson(chart.points)) as Points;
    const direct = db
      .prepare(
        `SELECT CAST(ts / 60000 AS INTEGER) * 60000 AS start, avg(value) AS mean FROM all_readings
         WHERE sensor_id = ? AND ts >= ? GROUP BY start ORDER BY start`,
      )
      .all(sensor.id, clock - 3_600_000) as { start: number; mean: number }[];
    expect(points.t).toEqual(direct.map((d) => d.start));
    for (const [i, d] of direct.entries()) expect(points.value[i]).toBeCloseTo(d.mean, 9);
    expect(store.rollups.heldCount).toBe(held);
    expect(rollupRows()).toBe(before);
    store.flush();
    compareWithRaw(db);
  });

  it('writes an old reading’s rollups with its own commit, and held ones once a minute has passed', () => {
    const rows = rollupRows();
    commit('a', [clock - 2 * 86_400_000]); // a replay from a node's queue: three new buckets now
    expect(rollupRows()).toBe(rows + 3);
    commit('b', [clock]);
    expect(store.rollups.heldCount).toBe(3);
    clock += FLUSH_EVERY_MS;
    commit('c', [clock]);
    expect(store.rollups.heldCount).toBe(0);
    compareWithRaw(db);
  });

  it('after a crash, rebuilds the held rollups from the raw readings at start', () => {
    for (let i = 0; i < 8; i++) {
      clock += 7000;
      for (const node of ['a', 'b', 'c']) commit(node, [clock - 300]);
    }
    expect(store.rollups.heldCount).toBeGreaterThan(0);
    // the process dies: the database is closed without the held rollups being written
    db.close();
    clock += 2000;
    db = openDb({ file, synchronous: 'NORMAL' });
    registry = new Registry({ db });
    registry.load();
    store = new ReadingsStore({ db, registry, now });
    compareWithRaw(db);
    // and ingest goes on from there
    commit('a', [clock]);
    store.flush();
    compareWithRaw(db);
  });

  it('rebuilds across an hour and a day boundary', () => {
    clock = Date.UTC(2026, 10, 2, 23, 59, 40);
    commit('a', [clock]); // the marker moves (more than a minute since the last write)
    for (let i = 0; i < 6; i++) {
      clock += 10_000;
      for (const node of ['a', 'b']) commit(node, [clock - 100]);
    }
    expect(store.rollups.heldCount).toBeGreaterThan(0);
    db.close();
    db = openDb({ file, synchronous: 'NORMAL' });
    registry = new Registry({ db });
    registry.load();
    store = new ReadingsStore({ db, registry, now });
    compareWithRaw(db);
  });

  it('node counters are served from memory and written with the held rollups', () => {
    const stored = () => db.prepare("SELECT accepted FROM nodes WHERE id = 'b'").pluck().get() as number;
    clock += FLUSH_EVERY_MS;
    commit('b', [clock - 5]);
    const written = stored();
    expect(written).toBe(registry.node('b')?.accepted);
    clock += 1000;
    commit('b', [clock - 5, clock - 4]);
    expect(registry.node('b')?.accepted).toBe(written + 2);
    expect(stored()).toBe(written);
    store.flush();
    expect(stored()).toBe(written + 2);
  });

  it('erasing a household also drops its held rollups', () => {
    clock += MINUTE;
    commit('c', [clock - 10]);
    clock += 5000;
    commit('c', [clock - 10]);
    expect(store.rollups.heldCount).toBeGreaterThan(0);
    const sensorId = registry.sensor('c', 'p')?.id;
    new HouseholdEraser({ db, registry, links: new HouseholdLinks({ db }), held: store.rollups }).erase(
      'h-c',
    );
    store.flush();
    expect(db.prepare('SELECT count(*) FROM rollups WHERE sensor_id = ?').pluck().get(sensorId)).toBe(0);
    compareWithRaw(db);
  });
});
