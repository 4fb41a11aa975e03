import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from '../../tests/support/rng.ts';
import { rollupDifferences } from '../../tests/support/rollup-check.ts';
import { openDb } from '../src/store/db.ts';
import { ReadingsStore } from '../src/store/readings-store.ts';
import { Registry } from '../src/store/registry.ts';
import { ANY_TIME, commitNow, entryOf } from './commit-entry.ts';

describe('rollups', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-rollup-'));
  const db = openDb({ file: path.join(dir, 'test.db'), synchronous: 'NORMAL' });
  const registry = new Registry({ db });
  const store = new ReadingsStore({ db, registry, foldEveryMs: 0 });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('equal a direct aggregate over the raw readings, for every period, on random out-of-order data', async () => {
    const rand = rng(42);
    for (const h of ['h1', 'h2', 'h3']) registry.addHousehold({ id: h, name: h, sharing: 'community' });
    for (const n of ['n1', 'n2', 'n3']) {
      await registry.addNode({ id: n, household: `h${n.slice(1)}` });
      registry.applyMeta(n, { node: n, board: 'x', sensors: [{ id: 'p', quantity: 'power', unit: 'W' }] });
    }
    const t0 = Date.UTC(2026, 10, 1);
    let seq = 0;
    // 20 commits of shuffled readings spread over 3 days, so buckets are hit across commits
    for (let batch = 0; batch < 20; batch++) {
      const entries = ['n1', 'n2', 'n3'].map((node) => {
        const sensor = registry.sensor(node, 'p')!;
        const points = Array.from({ length: 300 }, () => ({
          ts: t0 + Math.floor(rand() * 3 * 86_400_000),
          seq: ++seq,
          value: Math.round(rand() * 3000 * 100) / 100,
        }));
        return entryOf(sensor, points);
      });
      commitNow(store, entries, ANY_TIME);
    }
    // the readings span closed days (before the store's clock): the table alone is whole
    expect(rollupDifferences(db)).toEqual([]);
  });
});
