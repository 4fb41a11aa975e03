import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * What-if for the storage budget: the same readings in other raw-table layouts, sizes from
 * `dbstat`. Not the hub's schema: evidence for choosing the next one. Rows arrive interleaved
 * across series as ingest writes them.
 */
export interface LayoutSize {
  layout: string;
  bytesPerReading: number;
}

function varint(out: number[], n: number): void {
  let x = n;
  while (x >= 0x80) {
    out.push((x & 0x7f) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
}

/** A reading packed as varint(Δts ms) + varint(zigzag(value × 10^k) × 8 + k), k decimals (0–6). */
function packBlock(ts: number[], values: number[]): Buffer {
  const out: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    varint(out, (ts[i] ?? 0) - (ts[i - 1] ?? ts[0] ?? 0));
    const v = values[i] ?? 0;
    let k = 0;
    while (k < 6 && Math.round(v * 10 ** k) / 10 ** k !== v) k++;
    const m = Math.round(v * 10 ** k);
    varint(out, (m >= 0 ? m * 2 : -m * 2 - 1) * 8 + k);
  }
  return Buffer.from(out);
}

export function measureLayouts(
  series: number,
  perSeries: number,
  value: (sensor: number, ts: number) => number,
): LayoutSize[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-layouts-'));
  const db = new Database(path.join(dir, 'layouts.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.exec(`
      CREATE TABLE with_seq (sensor_id INTEGER NOT NULL, ts INTEGER NOT NULL, seq INTEGER, value REAL NOT NULL, PRIMARY KEY (sensor_id, ts)) WITHOUT ROWID;
      CREATE TABLE no_seq (sensor_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (sensor_id, ts)) WITHOUT ROWID;
      CREATE TABLE no_seq_int (sensor_id INTEGER NOT NULL, ts INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (sensor_id, ts)) WITHOUT ROWID;
      CREATE TABLE blocks (sensor_id INTEGER NOT NULL, start INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (sensor_id, start)) WITHOUT ROWID;
    `);
    const ins = {
      withSeq: db.prepare('INSERT INTO with_seq VALUES (?, ?, ?, ?)'),
      noSeq: db.prepare('INSERT INTO no_seq VALUES (?, ?, ?)'),
      noSeqInt: db.prepare('INSERT INTO no_seq_int VALUES (?, ?, ?)'),
      block: db.prepare('INSERT OR REPLACE INTO blocks VALUES (?, ?, ?, ?)'),
    };
    const start = Date.UTC(2026, 0, 1);
    const open = new Map<number, { start: number; ts: number[]; values: number[] }>();
    let seq = 0;
    const BLOCK = 128;
    for (let i = 0; i < perSeries; i++) {
      db.transaction(() => {
        for (let s = 1; s <= series; s++) {
          const ts = start + i * 10_000 + ((s * 7 + i) % 13);
          const v = value(s, ts);
          ins.withSeq.run(s, ts, seq++, v);
          ins.noSeq.run(s, ts, v);
          ins.noSeqInt.run(s, ts, Math.round(v * 10));
          let b = open.get(s);
          if (!b || b.ts.length >= BLOCK) {
            b = { start: ts, ts: [], values: [] };
            open.set(s, b);
          }
          b.ts.push(ts);
          b.values.push(v);
          // rewritten in place as it grows, as a live hub would
          ins.block.run(s, b.start, b.ts.length, packBlock(b.ts, b.values));
        }
      })();
    }
    const bytes = db.prepare('SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name').all() as Array<{
      name: string;
      b: number;
    }>;
    const of = (name: string) => (bytes.find((x) => x.name === name)?.b ?? Number.NaN) / (series * perSeries);
    return [
      {
        layout: "(sensor_id, ts ms, seq, value REAL) — the hub's `readings` (its last hour)",
        bytesPerReading: of('with_seq'),
      },
      { layout: '(sensor_id, ts ms, value REAL) — seq dropped', bytesPerReading: of('no_seq') },
      { layout: '(sensor_id, ts ms, value INTEGER in tenths)', bytesPerReading: of('no_seq_int') },
      {
        layout: 'blocks of 128 per series: varint Δts + varint decimal value, BLOB',
        bytesPerReading: of('blocks'),
      },
    ];
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
