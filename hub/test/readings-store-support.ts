import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { rollupDifferences, rowsInOpenBuckets } from '../../tests/support/rollup-check.ts';
import { LiveBus } from '../src/live-bus.ts';
import { CollectivePublisher } from '../src/privacy/collective-publisher.ts';
import { CommitLog } from '../src/store/commit-log.ts';
import { type Db, openDb } from '../src/store/db.ts';
import type { CommitEntry, CommitResult } from '../src/store/readings-store.ts';
import { Store } from '../src/store/store.ts';
import { ANY_TIME, entryOf } from './commit-entry.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Data directories the tests made: `removeDirs` in each file's `afterAll`. */
export const dirs: string[] = [];
export function removeDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A store on a fresh data directory, with its commit log, that never folds on its own. */
export function open(
  dir?: string,
  now = () => Date.UTC(2026, 11, 5, 10),
): { store: Store; db: Db; dir: string } {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'communs-readings-store-'));
  if (!dir) dirs.push(d);
  const db = openDb({ file: path.join(d, 'communs.db') });
  const store = new Store({
    db,
    now,
    commitLog: path.join(d, 'ingest.log'),
    commitLogBytes: 1024 * 1024,
    foldEveryMs: 365 * 86_400_000,
  });
  store.readings.open();
  return { store, db, dir: d };
}

/** What the commit log's records say, read from a copy of the file (records may be compressed). */
export function logText(dir: string): string {
  const copy = path.join(dir, 'ingest.log.copy');
  fs.copyFileSync(path.join(dir, 'ingest.log'), copy);
  const log = new CommitLog({ file: copy, direct: false });
  try {
    return log
      .open(0)
      .map((r) => r.payload.toString())
      .join('\n');
  } finally {
    log.close();
    fs.rmSync(copy);
  }
}

export async function provision(store: Store, homes: string[]): Promise<void> {
  for (const h of homes) {
    store.registry.addHousehold({ id: `h-${h}`, name: h, sharing: 'community' });
    await store.registry.addNode({ id: h, household: `h-${h}` });
  }
}

export function commit(store: Store, entries: CommitEntry[]): Promise<CommitResult> {
  return new Promise((resolve, reject) =>
    store.readings.commit(entries, ANY_TIME, (err, result) =>
      err || !result ? reject(err ?? new Error('no result')) : resolve(result),
    ),
  );
}

export const meta = (node: string, receivedAt: number): CommitEntry => ({
  node,
  receivedAt,
  meta: {
    node,
    board: 'virtual',
    sensors: [
      { id: 'p', quantity: 'power', unit: 'W' },
      { id: 'e', quantity: 'energy', unit: 'Wh' },
    ],
  },
});

/**
 * The rollups as the hub reads them (the table merged with the hours and days it holds) equal the
 * raw readings' aggregates, and the table has no part of the buckets held.
 */
export function expectRollupsFromRaw(store: Store, db: Db): void {
  expect(rollupDifferences(db, store.rollups)).toEqual([]);
  expect(rowsInOpenBuckets(db, (p) => store.readings.rollups.openFromOf(p))).toBe(0);
}

/** The table alone equals the raw readings' aggregates: what a clean stop leaves. */
export function expectTableFromRaw(db: Db): void {
  expect(rollupDifferences(db)).toEqual([]);
}

/** Readings of three nodes over `minutes`, power every 10 s and an energy total every minute. */
export async function feed(store: Store, t0: number, minutes: number, seqFrom = 1): Promise<number> {
  let seq = seqFrom;
  for (let m = 0; m < minutes; m++) {
    const entries: CommitEntry[] = [];
    for (const node of ['a', 'b', 'c']) {
      const p = store.registry.sensor(node, 'p');
      const e = store.registry.sensor(node, 'e');
      if (!p || !e) throw new Error('no sensors');
      const at = t0 + m * MINUTE;
      entries.push(
        entryOf(
          p,
          Array.from({ length: 6 }, (_, i) => ({ ts: at + i * 10_000, seq: seq++, value: (seq % 37) * 10 })),
          at,
        ),
        entryOf(e, [{ ts: at + 59_000, seq: seq++, value: 1000 + m * 7.5 }], at),
      );
    }
    await commit(store, entries);
  }
  return seq;
}

/** Homes `a`, `b`, `c` provisioned and described (power and energy sensors) at `t0`. */
export async function threeHomes(store: Store, t0: number): Promise<void> {
  await provision(store, ['a', 'b', 'c']);
  await commit(
    store,
    ['a', 'b', 'c'].map((n) => meta(n, t0)),
  );
}

/** The privacy publisher over the store's ledger, at a fixed time. */
export function publisherOf(store: Store, now: number): CollectivePublisher {
  return new CollectivePublisher({
    ledger: store.series.ledger,
    registry: store.registry,
    settings: store.settings,
    bus: new LiveBus(),
    now: () => now,
    log: () => {},
  });
}

/** Every step the publisher has to take now. */
export function decideAll(publisher: CollectivePublisher): void {
  while (publisher.step()) {
    // history, a day a step
  }
}
