import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { serveRequests, serverOptions } from '../lib/child.ts';
import { percentile } from '../lib/stats.ts';

/**
 * The storage half of baseline (c): the minimal program someone would write beside mosquitto.
 * Subscribes to every node's readings at QoS 1, parses the JSON and inserts the rows, batched in
 * one transaction per 100 ms (or 5,000 rows), into a readings table shaped like the hub's original
 * one, WAL with synchronous=FULL like the hub. No validation, no rollups, no duplicate tracking.
 */
const opts = serverOptions<{ mqttPort: number; dataDir: string }>();
fs.mkdirSync(opts.dataDir, { recursive: true });
const db = new Database(path.join(opts.dataDir, 'subscriber.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS readings (
  series TEXT NOT NULL, ts INTEGER NOT NULL, seq INTEGER, value REAL NOT NULL,
  PRIMARY KEY (series, ts)) WITHOUT ROWID`);
const insert = db.prepare('INSERT OR IGNORE INTO readings (series, ts, seq, value) VALUES (?, ?, ?, ?)');
interface Row {
  series: string;
  ts: number;
  seq: number;
  value: number;
}
let queue: Row[] = [];
let timer: NodeJS.Timeout | undefined;
let stored = 0;
let latencies: number[] = [];
const write = db.transaction((rows: Row[]) => {
  for (const r of rows) insert.run(r.series, r.ts, r.seq, r.value);
});
const flush = () => {
  if (timer) clearTimeout(timer);
  timer = undefined;
  const rows = queue;
  queue = [];
  write(rows);
  stored += rows.length;
  const now = Date.now();
  // slow clients send their wall-clock time as ts: the difference is publish → stored
  for (const r of rows) if (now - r.ts < 60_000) latencies.push(now - r.ts);
};

const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${opts.mqttPort}`, {
  clientId: 'sqlite-subscriber',
  clean: true,
  reconnectPeriod: 0,
});
client.on('message', (topic, payload) => {
  const series = topic.split('/')[3] ?? '';
  try {
    const msg = JSON.parse(payload.toString()) as {
      readings: Array<{ ts: number; seq: number; value: number }>;
    };
    for (const r of msg.readings) queue.push({ series, ts: r.ts, seq: r.seq, value: r.value });
  } catch {
    return;
  }
  if (queue.length >= 5000) flush();
  else timer ??= setTimeout(flush, 100);
});
await client.subscribeAsync({ 'communs/v1/nodes/+/readings': { qos: 1 } });

serveRequests(
  {
    stats: () => ({ stored }),
    latency: () => {
      const out = { n: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
      latencies = [];
      return out;
    },
  },
  async () => {
    if (timer) clearTimeout(timer);
    await client.endAsync();
    db.close();
  },
);
process.send?.({ ready: true });
