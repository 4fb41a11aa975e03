import { afterAll, describe, expect, it } from 'vitest';
import { entryOf } from './commit-entry.ts';
import {
  commit,
  decideAll,
  feed,
  HOUR,
  logText,
  MINUTE,
  meta,
  open,
  provision,
  publisherOf,
  removeDirs,
  threeHomes,
} from './readings-store-support.ts';
import { walFrames } from './wal-frames.ts';

// the privacy publisher's verdicts are held like readings until the fold (hub/src/store/collective-ledger.ts)
afterAll(removeDirs);

describe("the collective figures' verdicts are held like readings", () => {
  it('a step of the publisher writes no page: its verdicts go to the commit log with the next commit, to the table at the fold, and come back after a crash', async () => {
    const { store, db, dir } = open();
    const t0 = Date.UTC(2026, 11, 5, 8);
    await threeHomes(store, t0);
    let seq = await feed(store, t0, 20);
    store.readings.fold();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const ledger = store.series.ledger;
    decideAll(publisherOf(store, t0 + 21 * MINUTE));
    const decided = ledger.rows('power', MINUTE, t0, t0 + HOUR);
    expect(decided.map((r) => r.start)).toEqual(Array.from({ length: 20 }, (_, i) => t0 + i * MINUTE));
    expect(decided.every((r) => r.value !== null)).toBe(true);
    const hour = ledger.rows('power', HOUR, t0, t0 + HOUR);
    expect(hour).toHaveLength(1);
    // an SD card got nothing from deciding 20 minutes of 2 quantities
    expect(walFrames(db.name).frames).toBe(0);
    expect(db.prepare('SELECT count(*) FROM published_buckets').pluck().get()).toBe(0);

    // the next commit carries the verdicts; the process dies before any fold
    seq = await feed(store, t0 + 20 * MINUTE, 1, seq);
    db.close();
    const again = open(dir);
    expect(again.store.series.ledger.rows('power', MINUTE, t0, t0 + HOUR)).toEqual(decided);
    expect(again.store.series.ledger.rows('power', HOUR, t0, t0 + HOUR)).toEqual(hour);
    // applied again, then folded: the table has them now
    expect(
      again.db
        .prepare('SELECT count(*) FROM published_buckets WHERE quantity = ? AND period = ?')
        .pluck()
        .get('power', MINUTE),
    ).toBe(20);
    again.store.close();
  });
});

describe('the verdicts decided again after a fold', () => {
  it('are the ones recorded: nothing is held, logged or written for them', async () => {
    const { store, db } = open();
    const t0 = Date.UTC(2026, 11, 5, 8);
    await threeHomes(store, t0);
    // ten minutes in the table, ten held in memory
    const seq = await feed(store, t0, 10);
    store.readings.fold();
    await feed(store, t0 + 10 * MINUTE, 10, seq);
    const ledger = store.series.ledger;
    const publisher = publisherOf(store, t0 + 21 * MINUTE);
    decideAll(publisher);
    expect(ledger.takePending()?.length).toBeGreaterThan(20);
    // the fold writes the rollups the minutes were decided from: they are marked late, decided again
    store.readings.fold();
    db.pragma('wal_checkpoint(TRUNCATE)');
    decideAll(publisher);
    expect(ledger.takePending()).toBeUndefined();
    expect(walFrames(db.name).frames).toBe(0);
    store.close();
  });
});

describe('a history of verdicts decided at once', () => {
  it('is folded, not logged: the commit after it is acknowledged, and the log stays small', async () => {
    const { store, db, dir } = open();
    await provision(store, ['a']);
    const t0 = Date.UTC(2026, 10, 14);
    await commit(store, [meta('a', t0)]);
    // three weeks of minutes of one quantity: ~2 MB of JSON, more than this store's 1 MiB log
    const rows = Array.from({ length: 21 * 1440 }, (_, i) => ({
      start: t0 + i * MINUTE,
      value: 1234.5 + i,
      series: 3,
      households: 3,
      private: 2,
      withheld: null,
    }));
    store.series.ledger.batch(() => store.series.ledger.record('power', MINUTE, false, rows, []));
    const p = store.registry.sensor('a', 'p');
    if (!p) throw new Error('no sensor');
    const ok = await commit(store, [entryOf(p, [{ ts: t0 + 5000, seq: 1, value: 300 }])]);
    expect(ok.stored).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM published_buckets').pluck().get()).toBe(rows.length);
    expect(logText(dir).length).toBeLessThan(10_000);
    store.close();
  });
});

describe('a history of verdicts when the fold fails (a full disk)', () => {
  it('is logged instead: the commit is acknowledged, and the verdicts come back after a crash', async () => {
    const { store, db, dir } = open();
    await provision(store, ['a']);
    const t0 = Date.UTC(2026, 10, 30);
    await commit(store, [meta('a', t0)]);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      start: t0 + i * MINUTE,
      value: 500 + i,
      series: 3,
      households: 3,
      private: 2,
      withheld: null,
    }));
    store.series.ledger.batch(() => store.series.ledger.record('power', MINUTE, false, rows, []));
    // the fold's write of the verdicts fails, as on a full disk
    db.exec(`CREATE TEMP TRIGGER full_disk BEFORE INSERT ON main.published_buckets
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const p = store.registry.sensor('a', 'p');
    if (!p) throw new Error('no sensor');
    const ok = await commit(store, [entryOf(p, [{ ts: t0 + 5000, seq: 1, value: 300 }])]);
    expect(ok.stored).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM published_buckets').pluck().get()).toBe(0);
    // the process dies; the log had them
    db.close();
    const again = open(dir);
    expect(again.store.series.ledger.rows('power', MINUTE, t0, t0 + 3000 * MINUTE)).toHaveLength(3000);
    again.store.close();
  });
});
