import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/store/db.ts';
import { type Points, pointsJson } from '../src/store/points-json.ts';
import { LEGACY_MARKER_KEY } from '../src/store/rollup-buffer.ts';
import { Store } from '../src/store/store.ts';
import { entryOf } from './commit-entry.ts';
import {
  commit,
  DAY,
  dirs,
  expectRollupsFromRaw,
  expectTableFromRaw,
  feed,
  HOUR,
  logText,
  MINUTE,
  meta,
  open,
  provision,
  removeDirs,
} from './readings-store-support.ts';

afterAll(removeDirs);

describe('ingest holds readings in memory between folds', () => {
  it('keeps the database untouched until a fold, while every reader sees what was committed', async () => {
    const { store, db } = open();
    await provision(store, ['a', 'b', 'c']);
    const t0 = Date.UTC(2026, 11, 5, 9);
    await commit(
      store,
      ['a', 'b', 'c'].map((n) => meta(n, t0)),
    );
    const changes = () => db.prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    await feed(store, t0, 30);
    // 30 minutes of commits wrote nothing to SQLite
    expect(changes()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM rollups').pluck().get()).toBe(0);
    const p = store.registry.sensor('b', 'p');
    if (!p) throw new Error('no sensor');
    // raw readings, a minute chart and the collective: from memory, and reading wrote nothing
    expect(store.raw.count(p.id, t0, t0 + HOUR)).toBe(180);
    expect((store.series.series(p, t0, t0 + HOUR, 'raw').points as Points).t).toHaveLength(180);
    const chart = JSON.parse(pointsJson(store.series.series(p, t0, t0 + HOUR, 'minute').points)) as Points;
    expect(chart.t).toHaveLength(30);
    // the named households' part of the collective figure (docs/PRIVACY.md): merged the same way
    const named = store.series.collective('power', t0, t0 + HOUR, 'minute', MINUTE).named;
    expect(named.households).toBe(3);
    expect(changes()).toBe(before);
    // the fold writes it all, and then the table gives the same chart
    store.readings.fold();
    expect(db.prepare('SELECT coalesce(sum(n), 0) FROM reading_blocks').pluck().get()).toBe(30 * 3 * 7);
    expectRollupsFromRaw(store, db);
    const folded = JSON.parse(pointsJson(store.series.series(p, t0, t0 + HOUR, 'minute').points)) as Points;
    expect(folded).toEqual(chart);
    expect(
      JSON.parse(pointsJson(store.series.collective('power', t0, t0 + HOUR, 'minute', MINUTE).named.points)),
    ).toEqual(JSON.parse(pointsJson(named.points)));
    store.close();
  });

  it('keeps folding when the clock is stepped back (a clock without RTC set right), not an hour later', async () => {
    let clock = Date.UTC(2026, 11, 5, 10);
    const { store, db } = open(undefined, () => clock);
    await provision(store, ['a', 'b', 'c']);
    await commit(
      store,
      ['a', 'b', 'c'].map((n) => meta(n, clock)),
    );
    store.readings.fold();
    // the clock set right after a boot that guessed an hour ahead
    clock -= HOUR;
    await feed(store, clock, 1);
    expect(db.prepare('SELECT coalesce(sum(n), 0) FROM reading_blocks').pluck().get()).toBe(3 * 7);
    store.close();
  });

  it('after a crash, applies the commit log again: every reading, counter and rollup is back', async () => {
    const { store, db, dir } = open();
    await provision(store, ['a', 'b', 'c']);
    const t0 = Date.UTC(2026, 11, 5, 8);
    await commit(
      store,
      ['a', 'b', 'c'].map((n) => meta(n, t0)),
    );
    let seq = await feed(store, t0, 20);
    store.readings.fold();
    seq = await feed(store, t0 + 20 * MINUTE, 25, seq);
    const p = store.registry.sensor('a', 'p');
    const e = store.registry.sensor('a', 'e');
    if (!p || !e) throw new Error('no sensors');
    const raw = store.raw.range(p.id, 0, Number.MAX_SAFE_INTEGER);
    const node = { ...store.registry.node('a') };
    const total = e.last_total;
    // the process dies: no fold, no close; only what reached the disk counts
    db.close();
    const again = open(dir);
    const p2 = again.store.registry.sensor('a', 'p');
    if (!p2) throw new Error('no sensor after restart');
    expect(again.store.raw.range(p2.id, 0, Number.MAX_SAFE_INTEGER)).toEqual(raw);
    expect(again.store.registry.sensor('a', 'e')?.last_total).toBe(total);
    const back = again.store.registry.node('a');
    expect([back?.accepted, back?.max_seq, back?.gaps]).toEqual([node.accepted, node.max_seq, node.gaps]);
    expectRollupsFromRaw(again.store, again.db);
    // and a resend of a reading from before the crash is a duplicate
    const resent = await commit(again.store, [
      entryOf(p2, [raw[raw.length - 1] as { ts: number; value: number }]),
    ]);
    expect(resent.rejections.map((r) => r.reason)).toEqual(['duplicate']);
    again.store.close();
  });

  it('registry changes travel with their commit: a failed commit applies none of them', async () => {
    const { store } = open();
    await provision(store, ['a']);
    const t0 = Date.UTC(2026, 11, 5, 9);
    // a commit whose record cannot be written (the log file is closed under it)
    (store.readings as unknown as { log: { close(): void } }).log.close();
    const failed = await commit(store, [meta('a', t0)]).catch((err: Error) => err);
    expect(failed).toBeInstanceOf(Error);
    expect(store.registry.sensor('a', 'p')).toBeUndefined();
    expect(store.registry.node('a')?.board).toBeNull();
  });

  it('node statistics are served from memory and written at the fold', async () => {
    const { store, db } = open();
    await provision(store, ['a', 'b', 'c']);
    const t0 = Date.UTC(2026, 11, 5, 9);
    await commit(
      store,
      ['a', 'b', 'c'].map((n) => meta(n, t0)),
    );
    await feed(store, t0, 3);
    const stored = () => db.prepare("SELECT accepted FROM nodes WHERE id = 'b'").pluck().get() as number;
    expect(store.registry.node('b')?.accepted).toBe(21);
    expect(stored()).toBe(0);
    store.readings.fold();
    expect(stored()).toBe(21);
    store.close();
  });

  it('erasing a household drops what is held of it and overwrites the commit log', async () => {
    const { store, db, dir } = open();
    await provision(store, ['a', 'b', 'c']);
    const t0 = Date.UTC(2026, 11, 5, 9);
    await commit(
      store,
      ['a', 'b', 'c'].map((n) => meta(n, t0)),
    );
    await feed(store, t0, 5);
    const ids = ['p', 'e'].map((s) => store.registry.sensor('c', s)?.id as number);
    expect(logText(dir)).toContain(`${ids[0]},${t0}`);
    await store.erase('h-c');
    expect(logText(dir)).not.toContain(`${ids[0]},${t0}`);
    // nor in any form: the sectors the records filled are zeros
    const file = fs.readFileSync(path.join(dir, 'ingest.log'));
    expect(file.subarray(8192, 64 * 1024).every((b) => b === 0)).toBe(true);
    expect(store.raw.countOf(ids)).toBe(0);
    expect(
      db
        .prepare(`SELECT count(*) FROM rollups WHERE sensor_id IN (${ids.join(',')})`)
        .pluck()
        .get(),
    ).toBe(0);
    expectRollupsFromRaw(store, db);
    store.close();
  });

  it('a database of an earlier version that crashed with rollups in memory gets them rebuilt once', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-legacy-'));
    dirs.push(d);
    const db = openDb({ file: path.join(d, 'communs.db') });
    const t0 = Date.UTC(2026, 11, 4, 23, 58);
    db.prepare("INSERT INTO households (id, name, created_at) VALUES ('h', 'h', 0)").run();
    db.prepare(
      "INSERT INTO nodes (id, name, household_id, secret_hash, created_at) VALUES ('n', 'n', 'h', 'x', 0)",
    ).run();
    db.prepare(
      "INSERT INTO sensors (id, node_id, sensor, quantity, unit) VALUES (1, 'n', 'p', 'power', 'W')",
    ).run();
    // rows written, their rollups never (an earlier hub killed within the minute it held them)
    const insert = db.prepare('INSERT INTO readings (sensor_id, ts, seq, value) VALUES (1, ?, ?, ?)');
    for (let i = 0; i < 30; i++) insert.run(t0 + i * 10_000, i, 100 + i);
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(LEGACY_MARKER_KEY, String(t0));
    db.close();
    const { store, db: again } = open(d);
    expectRollupsFromRaw(store, again);
    expect(again.prepare('SELECT count(*) FROM settings WHERE key = ?').pluck().get(LEGACY_MARKER_KEY)).toBe(
      0,
    );
    store.close();
  });
});

describe('hour and day rollups in memory until their period closes', () => {
  it('a fold writes the minutes, an hour or a day once it has closed; readers, a crash and a stop lose nothing', async () => {
    let clock = Date.UTC(2026, 11, 5, 10, 20);
    const { store, db, dir } = open(undefined, () => clock);
    await provision(store, ['a', 'b', 'c']);
    const t0 = Date.UTC(2026, 11, 5, 10);
    await commit(
      store,
      ['a', 'b', 'c'].map((n) => meta(n, t0)),
    );
    const rows = (period: number) =>
      db.prepare('SELECT count(*) FROM rollups WHERE period = ?').pluck().get(period) as number;
    let seq = await feed(store, t0, 20);
    store.readings.fold();
    // six series: twenty minutes each, and no row of the open hour or day (a page each per series)
    expect([rows(MINUTE), rows(HOUR), rows(DAY)]).toEqual([120, 0, 0]);
    expectRollupsFromRaw(store, db);
    seq = await feed(store, t0 + 20 * MINUTE, 50, seq);
    clock = Date.UTC(2026, 11, 5, 11, 10);
    store.readings.fold();
    // 10:00 has closed: its hour written once; 11:00 and the day still open
    expect([rows(MINUTE), rows(HOUR), rows(DAY)]).toEqual([420, 6, 0]);
    expectRollupsFromRaw(store, db);
    const p = store.registry.sensor('a', 'p');
    if (!p) throw new Error('no sensor');
    const day = JSON.parse(pointsJson(store.series.series(p, t0, t0 + DAY, 'hour').points)) as Points;
    expect(day.t).toEqual([t0, t0 + HOUR]);
    // readings after the fold, then the process dies: the open hour and day come back from the
    // minutes in the table and the log
    await feed(store, t0 + 70 * MINUTE, 5, seq);
    const before = JSON.parse(pointsJson(store.series.series(p, t0, t0 + DAY, 'hour').points)) as Points;
    db.close();
    const again = open(dir, () => clock);
    expectRollupsFromRaw(again.store, again.db);
    const p2 = again.store.registry.sensor('a', 'p');
    if (!p2) throw new Error('no sensor after restart');
    expect(JSON.parse(pointsJson(again.store.series.series(p2, t0, t0 + DAY, 'hour').points))).toEqual(
      before,
    );
    // a stop writes what is open too: the table alone is whole for a resident's sqlite3
    again.store.close();
    const table = openDb({ file: path.join(dir, 'communs.db') });
    expectTableFromRaw(table);
    expect(table.prepare('SELECT count(*) FROM rollups WHERE period = ?').pluck().get(DAY)).toBe(6);
    table.close();
    // and a start after it holds those buckets from where the stop left them, counted once
    let restart = open(dir, () => clock);
    await feed(restart.store, t0 + 75 * MINUTE, 3, 100_000);
    restart.store.readings.fold();
    expectRollupsFromRaw(restart.store, restart.db);
    restart.db.close();
    restart = open(dir, () => clock);
    expectRollupsFromRaw(restart.store, restart.db);
    restart.store.close();
  });
});

describe('charts read by a read worker', () => {
  it('answer exactly what the hub thread answers: the file from the worker, what is held from memory', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-read-pool-'));
    dirs.push(d);
    const db = openDb({ file: path.join(d, 'communs.db') });
    const store = new Store({
      db,
      now: () => Date.UTC(2026, 11, 5, 10),
      commitLog: path.join(d, 'ingest.log'),
      commitLogBytes: 1024 * 1024,
      foldEveryMs: 365 * 86_400_000,
      readWorkers: 2,
    });
    store.readings.open();
    await store.startReaders();
    expect(store.readersRunning).toBe(true);
    try {
      await provision(store, ['a', 'b', 'c']);
      const t0 = Date.UTC(2026, 11, 5, 8);
      await commit(
        store,
        ['a', 'b', 'c'].map((n) => meta(n, t0)),
      );
      const seq = await feed(store, t0, 40);
      store.readings.fold();
      const seq2 = await feed(store, t0 + 40 * MINUTE, 20, seq);
      for (const node of ['a', 'b', 'c']) {
        for (const sensor of ['p', 'e']) {
          const s = store.registry.sensor(node, sensor);
          if (!s) throw new Error('no sensor');
          for (const step of ['minute', 'hour'] as const) {
            const inThread = pointsJson(store.series.series(s, t0, t0 + 2 * HOUR, step).points);
            const [viaWorker] = await Promise.all([
              store.series.seriesRead(s, t0, t0 + 2 * HOUR, step),
              // and many at once, spread over both workers
              ...Array.from({ length: 10 }, () => store.series.seriesRead(s, t0, t0 + 2 * HOUR, step)),
            ]);
            expect(pointsJson((viaWorker as { points: Parameters<typeof pointsJson>[0] }).points)).toBe(
              inThread,
            );
          }
        }
      }
      // 40 folded minutes and 20 held: the worker saw only the first, the rest came from memory
      const p = store.registry.sensor('a', 'p');
      if (!p) throw new Error('no sensor');
      const chart = JSON.parse(
        pointsJson((await store.series.seriesRead(p, t0, t0 + 2 * HOUR, 'minute')).points),
      ) as Points;
      expect(chart.t).toHaveLength(60);
      // workers read the file through a memory map: a file grown by a checkpoint since they mapped
      // it answers the same
      store.readings.fold();
      await feed(store, t0 + 60 * MINUTE, 30, seq2);
      store.readings.fold();
      db.pragma('wal_checkpoint(TRUNCATE)');
      for (const node of ['a', 'b', 'c']) {
        const s = store.registry.sensor(node, 'p');
        if (!s) throw new Error('no sensor');
        const inThread = pointsJson(store.series.series(s, t0, t0 + 2 * HOUR, 'minute').points);
        const viaWorker = pointsJson((await store.series.seriesRead(s, t0, t0 + 2 * HOUR, 'minute')).points);
        expect(viaWorker).toBe(inThread);
        expect((JSON.parse(viaWorker) as Points).t).toHaveLength(90);
      }
    } finally {
      await store.stopReaders();
      store.close();
    }
  });
});
