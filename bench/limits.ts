import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqttPacket from 'mqtt-packet';
import { fastRun } from './lib/load.ts';
import { sampleProc } from './lib/proc.ts';
import { encodePublish } from './lib/raw-mqtt.ts';
import { readingPayload, readingsTopic } from './lib/readings.ts';
import { table, writeSection } from './lib/report.ts';
import { fmt, fmtSummary, summarize } from './lib/stats.ts';
import { startHub } from './lib/systems.ts';
import type { BenchContext } from './run.ts';
import { nodeId } from './servers/provision.ts';

/** CPU µs per operation of `fn(n)`, which performs n operations; one value per round. */
function cpuRounds(rounds: number, n: number, fn: (n: number) => void): number[] {
  fn(Math.min(n, 10_000));
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    fn(n);
    const used = process.cpuUsage(before);
    out.push((used.user + used.system) / n);
  }
  return out;
}

function jsonParse(n: number): void {
  const texts = Array.from({ length: 1000 }, (_, i) =>
    readingPayload(1_700_000_000_000 + i, i, 100 + i).toString(),
  );
  let sink = 0;
  for (let i = 0; i < n; i++)
    sink += (JSON.parse(texts[i % 1000] as string) as { readings: unknown[] }).readings.length;
  if (sink !== n) throw new Error('JSON.parse lost readings');
}

function packetParse(n: number): void {
  const topic = readingsTopic(nodeId(0));
  const one = Buffer.concat(
    Array.from({ length: 1000 }, (_, i) =>
      encodePublish(topic, readingPayload(1_700_000_000_000 + i, i, 100), 1, i + 1),
    ),
  );
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let packets = 0;
  parser.on('packet', () => packets++);
  for (let i = 0; i < n / 1000; i++) parser.parse(one);
  if (packets !== Math.floor(n / 1000) * 1000) throw new Error('mqtt-packet lost packets');
}

/** The same rows into a table shaped like the hub's first readings table, 1,000 per transaction. */
function sqliteInsert(n: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-limits-'));
  const db = new Database(path.join(dir, 'limits.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE readings (sensor_id INTEGER NOT NULL, ts INTEGER NOT NULL, seq INTEGER, value REAL NOT NULL, PRIMARY KEY (sensor_id, ts)) WITHOUT ROWID',
    );
    const insert = db.prepare(
      'INSERT OR IGNORE INTO readings (sensor_id, ts, seq, value) VALUES (?, ?, ?, ?)',
    );
    const batch = db.transaction((from: number) => {
      for (let i = from; i < from + 1000; i++)
        insert.run(i % 200, 1_700_000_000_000 + i * 50, i, 100 + (i % 50));
    });
    for (let i = 0; i < n; i += 1000) batch(i);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function limitsBench(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 3 : 5;
  const json = summarize(cpuRounds(rounds, 200_000, jsonParse));
  const packet = summarize(cpuRounds(rounds, 200_000, packetParse));
  const sqlite = summarize(cpuRounds(rounds, 100_000, sqliteInsert));
  const sum = json.median + packet.median + sqlite.median;

  ctx.log('hub: QoS 1 fast client, for its CPU per durable reading');
  const hub = await startHub({ nodes: 1 });
  const hubCost: number[] = [];
  try {
    const count = ctx.quick ? 8000 : 30_000;
    await fastRun(hub.target, { node: nodeId(0), qos: 1, count: 5000, window: 1000 });
    for (let r = 0; r < (ctx.quick ? 2 : 3); r++) {
      const before = sampleProc(hub.pids[0] as number);
      await fastRun(hub.target, { node: nodeId(0), qos: 1, count, window: 1000 });
      const after = sampleProc(hub.pids[0] as number);
      hubCost.push(((after.cpuMs - before.cpuMs) * 1000) / count);
    }
  } finally {
    await hub.stop();
  }
  const h = summarize(hubCost);
  const rate = (us: number) => fmt(1e6 / us);
  const body = [
    'CPU time per operation in this process (`process.cpuUsage`), median of the rounds (min–max). The',
    "reading is the ~110-byte native message; the SQLite insert uses a table shaped like the hub's first",
    "readings table, 1,000 rows a transaction, WAL, synchronous=FULL. The hub figure is its own process's",
    'CPU per durable QoS 1 reading from one pipelining client (as in the ingest benchmark).',
    '',
    table(
      ['operation', 'CPU µs each', 'per second, one core'],
      [
        ['JSON.parse of a reading', fmtSummary(json, 2), rate(json.median)],
        ['mqtt-packet parse of its PUBLISH', fmtSummary(packet, 2), rate(packet.median)],
        ['SQLite batched insert of its row', fmtSummary(sqlite, 2), rate(sqlite.median)],
        ['sum of the three', fmt(sum, 2), rate(sum)],
        ['**hub, per durable reading**', fmtSummary(h, 1), rate(h.median)],
      ],
    ),
    '',
    `The hub spends **${(h.median / sum).toFixed(1)} ×** the sum of the three unavoidable steps. The rest is`,
    'socket reads and PUBACK writes, validation (zod), rollups folded in memory, counters, the live bus and',
    'garbage collection; aedes no longer sees native readings (hub/src/broker/fast-path.ts).',
  ].join('\n');
  ctx.log(body);
  writeSection({ id: 'limits', title: 'Limits of the machine', command: 'npm run bench -- limits', body });
}
