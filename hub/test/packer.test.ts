import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubDb } from '../../tests/support/hub-db.ts';
import { rng } from '../../tests/support/rng.ts';
import { Retention } from '../src/retention.ts';
import { type Db, openDb } from '../src/store/db.ts';
import { BLOCK_BUDGET_BYTES, type Packer, planBlocks } from '../src/store/packer.ts';
import { type PackedRanges, type RawReading, RawReadings } from '../src/store/raw-readings.ts';
import { decodeBlock, encodeBlock, recordBytes } from '../src/store/reading-block.ts';
import { ReadingsStore } from '../src/store/readings-store.ts';
import type { Registry, SensorRow } from '../src/store/registry.ts';
import { Store } from '../src/store/store.ts';
import { ANY_TIME, commitNow, entryOf } from './commit-entry.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12);

interface Fixture {
  dir: string;
  file: string;
  db: Db;
  facade: Store;
  registry: Registry;
  ranges: PackedRanges;
  store: ReadingsStore;
  packer: Packer;
  raw: RawReadings;
  sensor: (node: string) => SensorRow;
}

async function fixture(nodes: Array<[node: string, household: string]>): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-packer-'));
  const file = path.join(dir, 'communs.db');
  const db = openDb({ file, synchronous: 'NORMAL' });
  const facade = new Store({ db, now: () => NOW, foldEveryMs: 0 });
  const registry = facade.registry;
  for (const [node, household] of nodes) {
    if (!registry.household(household)) registry.addHousehold({ id: household, name: household });
    await registry.addNode({ id: node, household });
    registry.applyMeta(node, { node, board: 'x', sensors: [{ id: 'p', quantity: 'power', unit: 'W' }] });
  }
  return {
    dir,
    file,
    db,
    facade,
    registry,
    ranges: facade.packed,
    store: facade.readings,
    packer: facade.packer({ now: () => NOW, log: () => {} }),
    raw: facade.raw,
    sensor: (node) => registry.sensor(node, 'p') as SensorRow,
  };
}

/** Ingest's commit (folded at once in these tests: straight into blocks). */
function store(f: Fixture, node: string, readings: RawReading[]) {
  const sensor = f.sensor(node);
  return commitNow(f.store, [entryOf(sensor, readings)], ANY_TIME);
}

/** Rows of the `readings` table, as hubs before the commit log wrote every reading: the packer's work. */
function legacyRows(f: Fixture, node: string, readings: RawReading[]): void {
  const insert = f.db.prepare('INSERT INTO readings (sensor_id, ts, seq, value) VALUES (?, ?, ?, ?)');
  const id = f.sensor(node).id;
  f.db.transaction(() => {
    for (const r of readings) insert.run(id, r.ts, r.seq, r.value);
  })();
}

/** Values as the hub stores them: one decimal, unit conversions, counter deltas, extremes. */
function awkwardValue(rand: () => number, i: number): number {
  switch (i % 6) {
    case 0:
      return Math.round(rand() * 30000) / 10;
    case 1:
      return 1234.7 + rand() * 0.3 - 1234.5; // a counter delta: every digit of the double
    case 2:
      return (rand() * 5) / 3.6; // a kWh → Wh style conversion
    case 3:
      return -Math.round(rand() * 400) / 10 + 0; // -0 is stored as 0 by SQLite itself
    case 4:
      return i % 12 === 4 ? 0 : 1e-7 * rand();
    default:
      return Math.round(rand() * 1e6);
  }
}

/** Readings every 10 s over `hours`, ending 2 h ago (old enough to pack). */
function regular(hours: number, seqStep: number): RawReading[] {
  const n = (hours * HOUR) / 10_000;
  const start = NOW - 2 * HOUR - n * 10_000;
  return Array.from({ length: n }, (_, i) => ({
    ts: start + i * 10_000,
    seq: 100 + i * seqStep,
    value: i % 50,
  }));
}

function irregular(count: number, seed: number): RawReading[] {
  const rand = rng(seed);
  const out: RawReading[] = [];
  let ts = NOW - 80 * HOUR;
  let seq = 1;
  for (let i = 0; i < count; i++) {
    ts += 1 + Math.floor(rand() * (rand() < 0.05 ? 600_000 : 20_000));
    seq += rand() < 0.1 ? 2 + Math.floor(rand() * 5) : 1;
    out.push({ ts, seq, value: awkwardValue(rand, i) });
  }
  return out;
}

function sqlite3(file: string, sql: string): string {
  return execFileSync('sqlite3', ['-readonly', file, sql], { encoding: 'utf8' });
}

let f: Fixture;
afterEach(() => {
  f.db.close();
  fs.rmSync(f.dir, { recursive: true, force: true });
});

describe('packing raw readings into blocks', () => {
  beforeEach(async () => {
    f = await fixture([
      ['n1', 'h1'],
      ['n2', 'h2'],
    ]);
  });

  it('round trip: irregular times, sequence numbers and awkward doubles come back exactly', async () => {
    const readings = irregular(5000, 7);
    legacyRows(f, 'n1', readings);
    const packed = await f.packer.pack();
    expect(packed).toBeGreaterThan(4000);
    expect(f.db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(readings.length - packed);
    const back = f.raw.range(f.sensor('n1').id, 0, NOW);
    expect(back).toEqual(readings);
    for (const r of back.slice(0, 50))
      expect(Object.is(r.value, readings[back.indexOf(r)]?.value)).toBe(true);
    // the view, in this process's SQLite, gives the same rows
    const view = f.db
      .prepare('SELECT ts, seq, value FROM all_readings WHERE sensor_id = ? ORDER BY ts')
      .all(f.sensor('n1').id);
    expect(view).toEqual(readings);
  });

  it('a regular series stores no offsets (NULL) and each block fits one 1 KiB page', async () => {
    const readings = regular(20, 3);
    legacyRows(f, 'n1', readings);
    // all but the last, unfilled block
    expect(await f.packer.pack()).toBeGreaterThan(readings.length - 200);
    const blocks = f.db.prepare('SELECT * FROM reading_blocks').all() as Parameters<typeof recordBytes>[0][];
    expect(blocks.length).toBeGreaterThan(10);
    for (const b of blocks) {
      expect(b.ts_off).toBeNull();
      expect(b.seq_off).toBeNull();
      expect(recordBytes(b)).toBeLessThanOrEqual(BLOCK_BUDGET_BYTES);
    }
    const overflow = f.db
      .prepare("SELECT count(*) FROM dbstat WHERE name = 'reading_blocks' AND pagetype = 'overflow'")
      .pluck()
      .get();
    expect(overflow).toBe(0);
    expect(f.raw.range(f.sensor('n1').id, 0, NOW)).toEqual(readings);
  });

  it('recordBytes is the size SQLite stores (dbstat payload)', async () => {
    legacyRows(f, 'n1', irregular(3000, 3));
    await f.packer.pack();
    const blocks = f.db.prepare('SELECT * FROM reading_blocks ORDER BY id').all() as Parameters<
      typeof recordBytes
    >[0][];
    const payload = f.db
      .prepare("SELECT sum(payload) FROM dbstat WHERE name = 'reading_blocks' AND pagetype = 'leaf'")
      .pluck()
      .get() as number;
    expect(blocks.reduce((s, b) => s + recordBytes(b), 0)).toBe(payload);
  });

  it('a gap in a regular series starts a new block; the last, unfilled block waits', () => {
    const rows = regular(3, 1);
    const withGap = [...rows.slice(0, 40), ...rows.slice(45)];
    const plan = planBlocks(1, withGap, 0);
    expect(plan[0]?.span).toEqual([0, 40]);
    const lastEnd = plan[plan.length - 1]?.span[1] ?? 0;
    expect(lastEnd).toBeLessThan(withGap.length);
    for (const { block } of plan)
      expect(decodeBlock(block)).toEqual(withGap.filter((r) => r.ts >= block.t0 && r.ts <= block.t1));
    // once older than a block's span, a sparse tail is written as it is
    expect(planBlocks(1, withGap, Number.POSITIVE_INFINITY).at(-1)?.span[1]).toBe(withGap.length);
  });

  it('a long regular series is read a bounded number of times per reading, whatever its length', () => {
    // 50,000 readings one second apart: ~200 blocks; each block's end is looked for among the
    // readings it may hold, not to the end of the series
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      ts: NOW - 80 * HOUR + i * 1000,
      seq: i,
      value: i % 50,
    }));
    let reads = 0;
    const counted = new Proxy(rows, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const plan = planBlocks(1, counted, Number.POSITIVE_INFINITY);
    expect(plan.at(-1)?.span[1]).toBe(rows.length);
    expect(reads / rows.length).toBeLessThan(40);
  });

  it('readings without a sequence number are packed apart and read back as NULL', () => {
    const rows: RawReading[] = [
      { ts: 1000, seq: 5, value: 1 },
      { ts: 2000, seq: 6, value: 2 },
      { ts: 3000, seq: null, value: 3 },
      { ts: 4000, seq: null, value: 4 },
    ];
    const plan = planBlocks(1, rows, Number.POSITIVE_INFINITY);
    expect(plan.map((p) => p.span)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(plan.flatMap((p) => decodeBlock(p.block))).toEqual(rows);
    expect(encodeBlock(1, rows.slice(2)).seq0).toBeNull();
  });

  it('a late duplicate of a packed reading is rejected as duplicate; a late new one is kept and merged', async () => {
    const readings = regular(6, 1);
    legacyRows(f, 'n1', readings);
    await f.packer.pack();
    const id = f.sensor('n1').id;
    expect(f.ranges.packedUpTo(id)).toBeGreaterThan(readings[100]?.ts ?? 0);
    const again = store(f, 'n1', [readings[100] as RawReading]);
    expect(again.stored).toHaveLength(0);
    expect(again.rejections.map((r) => r.reason)).toEqual(['duplicate']);
    // a reading between two packed ones: new, stored in a block of its own
    const between = { ts: (readings[100]?.ts ?? 0) + 5000, seq: 99_999, value: 42.5 };
    expect(store(f, 'n1', [between]).stored).toHaveLength(1);
    const expected = [...readings, between].sort((a, b) => a.ts - b.ts);
    expect(f.raw.range(id, 0, NOW)).toEqual(expected);
    await f.facade.packer({ now: () => NOW + 24 * HOUR, log: () => {} }).pack();
    expect(f.db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(0);
    expect(f.raw.range(id, 0, NOW)).toEqual(expected);
    expect(store(f, 'n1', [between]).rejections.map((r) => r.reason)).toEqual(['duplicate']);
    // and a fresh store (a restart) finds the packed range from the file
    const restarted = new ReadingsStore({ db: f.db, registry: f.registry, now: () => NOW });
    const sensor = f.sensor('n1');
    const r = commitNow(
      restarted,
      [entryOf(sensor, [{ ts: readings[7]?.ts ?? 0, seq: 7, value: 1 }])],
      ANY_TIME,
    );
    expect(r.rejections.map((x) => x.reason)).toEqual(['duplicate']);
  });

  it('counts and pages agree with the readings across the packed/recent boundary', async () => {
    const readings = [...regular(4, 1), ...regular(1, 1).map((r) => ({ ...r, ts: r.ts + 2 * HOUR + 5000 }))];
    readings.sort((a, b) => a.ts - b.ts);
    legacyRows(f, 'n1', readings);
    await f.packer.pack();
    const recent = f.db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
    expect(recent).toBeGreaterThan(0);
    expect(recent).toBeLessThan(readings.length);
    const id = f.sensor('n1').id;
    const rand = rng(11);
    for (let k = 0; k < 30; k++) {
      const a = NOW - 8 * HOUR + Math.floor(rand() * 8 * HOUR);
      const b = a + Math.floor(rand() * 3 * HOUR);
      const want = readings.filter((r) => r.ts >= a && r.ts < b);
      expect(f.raw.count(id, a, b)).toBe(want.length);
      expect(f.raw.range(id, a, b)).toEqual(want);
    }
    // keyset pages of 97 readings walk the whole series once, in order
    const seen: RawReading[] = [];
    let cursor = 0;
    for (;;) {
      const page = f.raw.page(id, cursor, NOW + HOUR, 97);
      seen.push(...page);
      if (page.length < 97) break;
      cursor = (page[page.length - 1]?.ts ?? 0) + 1;
    }
    expect(seen).toEqual(readings);
    // the CSV export and a raw series chart read through the same module
    const file = path.join(f.dir, 'export.csv');
    const rows = await f.facade.writeReadingsCsv([f.sensor('n1')], file, {
      from: 0,
      to: NOW + HOUR,
    });
    expect(rows).toBe(readings.length);
    const csvTs = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[5]));
    expect(csvTs).toEqual(readings.map((r) => r.ts));
    const series = f.facade.series;
    const from = NOW - 4 * HOUR;
    const chart = series.series(f.sensor('n1'), from, NOW, 'raw');
    const points = chart.points as { t: number[] };
    expect(points.t).toEqual(readings.filter((r) => r.ts >= from && r.ts < NOW).map((r) => r.ts));
  });

  it('retention drops blocks whose last reading expired and keeps one straddling the cutoff', async () => {
    const readings = regular(40, 1).map((r) => ({ ...r, ts: r.ts - 30 * 86_400_000 + 20 * HOUR }));
    legacyRows(f, 'n1', readings);
    await f.packer.pack();
    const retention = new Retention({ store: f.facade, now: () => NOW, log: () => {} });
    const cutoff = NOW - 30 * 86_400_000;
    const blocks = f.db.prepare('SELECT t0, t1, n FROM reading_blocks ORDER BY t0').all() as {
      t0: number;
      t1: number;
      n: number;
    }[];
    const straddling = blocks.find((b) => b.t0 < cutoff && b.t1 >= cutoff);
    expect(straddling).toBeDefined();
    const expired = blocks.filter((b) => b.t1 < cutoff).reduce((s, b) => s + b.n, 0);
    expect(retention.plan().readings).toBe(expired);
    expect(await retention.purge()).toBe(expired);
    const left = f.raw.range(f.sensor('n1').id, 0, NOW);
    expect(left).toEqual(readings.filter((r) => r.ts >= (straddling?.t0 ?? 0)));
    expect(left.some((r) => r.ts < cutoff)).toBe(true);
  });

  it('erasing a household deletes its blocks too, and only its own', async () => {
    legacyRows(f, 'n1', regular(5, 1));
    legacyRows(f, 'n2', regular(5, 1));
    await f.packer.pack();
    const count = (node: string) =>
      f.db.prepare('SELECT count(*) FROM reading_blocks WHERE sensor_id = ?').pluck().get(f.sensor(node).id);
    expect(count('n1')).toBeGreaterThan(0);
    const plan = f.facade.planErase('h1');
    expect(plan.readings).toBe(regular(5, 1).length);
    const n1 = f.sensor('n1').id;
    const n2 = f.sensor('n2').id;
    f.facade.erase('h1');
    expect(f.db.prepare('SELECT count(*) FROM reading_blocks WHERE sensor_id = ?').pluck().get(n1)).toBe(0);
    expect(f.db.prepare('SELECT count(*) FROM all_readings WHERE sensor_id = ?').pluck().get(n1)).toBe(0);
    expect(f.raw.count(n2, 0, NOW)).toBe(regular(5, 1).length);
  });

  it('a failure between writing blocks and deleting rows rolls the whole step back', async () => {
    const readings = regular(6, 1);
    legacyRows(f, 'n1', readings);
    f.db.exec(
      "CREATE TEMP TRIGGER crash BEFORE DELETE ON readings BEGIN SELECT RAISE(ABORT, 'disk gone'); END",
    );
    await expect(f.packer.pack()).rejects.toThrow(/disk gone/);
    expect(f.db.prepare('SELECT count(*) FROM reading_blocks').pluck().get()).toBe(0);
    expect(f.db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(readings.length);
    f.db.exec('DROP TRIGGER crash');
    expect(await f.packer.pack()).toBeGreaterThan(readings.length - 200);
    expect(f.raw.range(f.sensor('n1').id, 0, NOW)).toEqual(readings);
  });

  it('the all_readings view gives the same rows in the sqlite3 shell (Debian binary)', async () => {
    const a = irregular(2000, 5);
    const b = regular(4, 2);
    legacyRows(f, 'n1', a);
    legacyRows(f, 'n2', b);
    await f.packer.pack();
    f.db.pragma('wal_checkpoint(TRUNCATE)');
    const out = sqlite3(
      f.file,
      "SELECT sensor_id, ts, seq, printf('%!.17g', value) FROM all_readings ORDER BY sensor_id, ts;",
    );
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split('|').map(Number));
    const want = [
      ...a.map((r) => [f.sensor('n1').id, r.ts, r.seq, r.value]),
      ...b.map((r) => [f.sensor('n2').id, r.ts, r.seq, r.value]),
    ];
    expect(rows).toEqual(want);
    // the example of docs/DATA.md
    const perSeries = sqlite3(f.file, 'SELECT sensor_id, count(*) FROM all_readings GROUP BY sensor_id;');
    expect(perSeries.trim()).toBe(`${f.sensor('n1').id}|${a.length}\n${f.sensor('n2').id}|${b.length}`);
  });
});

describe('a hub killed mid-pack (SIGKILL)', () => {
  beforeEach(async () => {
    f = await fixture([['n1', 'h1']]);
  });

  it('loses no reading and stores none twice', async () => {
    const readings = irregular(40_000, 9).map((r) => ({ ...r, ts: r.ts - 300 * HOUR }));
    legacyRows(f, 'n1', readings);
    f.db.close();
    const script = path.join(f.dir, 'pack.mts');
    fs.writeFileSync(
      script,
      `import { openDb } from ${JSON.stringify(path.resolve('hub/src/store/db.ts'))};
       import { Packer } from ${JSON.stringify(path.resolve('hub/src/store/packer.ts'))};
       import { PackedRanges } from ${JSON.stringify(path.resolve('hub/src/store/raw-readings.ts'))};
       const db = openDb({ file: ${JSON.stringify(f.file)}, synchronous: 'FULL' });
       const packer = new Packer({ db, ranges: new PackedRanges({ db }), log: () => {} });
       process.send?.('packing');
       await packer.pack();
       process.send?.('done');`,
    );
    let done = false;
    let killed = 0;
    for (let round = 0; round < 8 && !done; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      done = await new Promise<boolean>((resolve) => {
        child.on('message', (m) => {
          if (m === 'packing') setTimeout(() => child.kill('SIGKILL'), 20 + round * 15);
          if (m === 'done') resolve(true);
        });
        child.on('exit', () => resolve(false));
      });
      if (!done) killed++;
    }
    expect(killed).toBeGreaterThan(0);
    f.db = openDb({ file: f.file, synchronous: 'NORMAL' });
    f.raw = new RawReadings({ db: f.db });
    expect(f.db.prepare('SELECT count(*) FROM reading_blocks').pluck().get()).toBeGreaterThan(0);
    expect(f.raw.range(f.sensor('n1').id, 0, NOW)).toEqual(readings);
  }, 60_000);
});

describe('in a running hub', () => {
  it('folded readings are served by /api/series and /api/export, and a resend of them is a duplicate', async () => {
    const { startTestHub } = await import('../../tests/support/test-hub.ts');
    const { connectNode, getJson, sendMeta, sendReadings } = await import('../../tests/support/mqtt-node.ts');
    const th = await startTestHub();
    try {
      const { secret } = await th.addNode('pk-node', { household: 'pk-home', sharing: 'open' });
      const client = await connectNode(th.mqttUrl, 'pk-node', secret);
      await sendMeta(client, 'pk-node', [{ id: 'p', quantity: 'power', unit: 'W' }]);
      const start = Math.floor((Date.now() - 5 * HOUR) / 1000) * 1000;
      const readings = Array.from({ length: 1200 }, (_, i) => ({
        sensor: 'p',
        quantity: 'power' as const,
        unit: 'W',
        value: 100 + (i % 37) / 10,
        ts: start + i * 10_000,
        seq: i + 1,
      }));
      for (let i = 0; i < readings.length; i += 200)
        await sendReadings(client, 'pk-node', readings.slice(i, i + 200));
      // ingest folds readings straight into blocks: none is left as a row for the packer
      await th.hub.store.checkpoint();
      expect(hubDb(th.hub).prepare('SELECT coalesce(sum(n), 0) FROM reading_blocks').pluck().get()).toBe(
        readings.length,
      );
      expect(await th.hub.packer.pack()).toBe(0);
      const series = await getJson<{ points: { t: number[]; value: number[] } }>(
        `${th.httpUrl}/api/series?sensor=pk-node/p&from=${start}&to=${Date.now()}&step=raw`,
      );
      expect(series.status).toBe(200);
      expect(series.body.points.t).toEqual(readings.map((r) => r.ts));
      expect(series.body.points.value).toEqual(readings.map((r) => r.value));
      const res = await fetch(`${th.httpUrl}/api/export?format=ndjson&from=${start}`);
      const lines = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ts: number; value: number });
      expect(lines.map((l) => l.ts)).toEqual(readings.map((r) => r.ts));
      // the node resends its oldest batch (a lost PUBACK): every reading is refused as a duplicate
      await sendReadings(client, 'pk-node', readings.slice(0, 50));
      const dup = hubDb(th.hub)
        .prepare("SELECT count FROM rejection_counts WHERE node_id = 'pk-node' AND reason = 'duplicate'")
        .pluck()
        .get();
      expect(dup).toBe(50);
      expect(hubDb(th.hub).prepare('SELECT count(*) FROM all_readings').pluck().get()).toBe(readings.length);
      await client.endAsync();
    } finally {
      await th.stop();
    }
  });
});
