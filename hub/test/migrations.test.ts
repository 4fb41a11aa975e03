import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodesBody } from '../../protocol/index.ts';
import { Hub } from '../src/hub.ts';
import { type Db, NewerSchemaError, openDb, schemaVersion } from '../src/store/db.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { hashSecret } from '../src/store/secrets.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/communs.js');
const LATEST = MIGRATIONS.length;
const T = Date.UTC(2026, 10, 20, 12);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-migrate-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// scrypt is asynchronous only (hub/src/store/secrets.ts)
const S3CRET_HASH = await hashSecret('s3cret');
const X_HASH = await hashSecret('x');

/**
 * Rows a hub of each schema version would have written, mostly in the tables that version brought,
 * and how many rows each adds to a table: a later version must still hold them all.
 */
const ROWS: Record<number, { sql: string[]; expect: [string, number][] }> = {
  1: {
    sql: [
      `INSERT INTO settings (key, value) VALUES ('neighbourhood', '"Rue des Tilleuls"')`,
      `INSERT INTO households (id, name, kind, sharing, created_at) VALUES ('tilleuls-3', 'Tilleuls 3', 'household', 'community', ${T})`,
      `INSERT INTO households (id, name, kind, sharing, created_at) VALUES ('salle', 'Salle commune', 'place', 'open', ${T})`,
      `INSERT INTO nodes (id, name, household_id, secret_hash, created_at, board, status, status_ts, last_seen, accepted, rejected, max_seq)
         VALUES ('tilleuls-compteur', 'Compteur', 'tilleuls-3', '${S3CRET_HASH}', ${T}, 'arduino', 'online', ${T}, ${T}, 3, 1, 3)`,
      `INSERT INTO sensors (id, node_id, sensor, quantity, unit, label, last_total, last_total_ts)
         VALUES (1, 'tilleuls-compteur', 'meter-energy', 'energy', 'Wh', 'Compteur', 1200, ${T + 20_000})`,
      `INSERT INTO sensors (id, node_id, sensor, quantity, unit) VALUES (2, 'tilleuls-compteur', 'meter-power', 'power', 'W')`,
      `INSERT INTO readings (sensor_id, ts, seq, value) VALUES (1, ${T}, 1, 5), (1, ${T + 10_000}, 2, 6), (2, ${T}, 3, 420)`,
      `INSERT INTO rollups (sensor_id, period, start, count, sum, min, max, last, last_ts) VALUES (2, 60000, ${T}, 1, 420, 420, 420, 420, ${T})`,
      `INSERT INTO rejections (node_id, ts, reason, detail) VALUES ('tilleuls-compteur', ${T}, 'unknown_sensor', 'readings[0]: "x"')`,
      `INSERT INTO rejection_counts (node_id, reason, count) VALUES ('tilleuls-compteur', 'unknown_sensor', 1)`,
      `INSERT INTO counter_events (sensor_id, ts, kind, previous, current) VALUES (1, ${T}, 'reset', 900, 0)`,
      `INSERT INTO audit (ts, who, what) VALUES (${T}, 'serial:/dev/ttyUSB0', 'household add tilleuls-3')`,
    ],
    expect: [
      ['households', 2],
      ['nodes', 1],
      ['sensors', 2],
      ['readings', 3],
      ['rollups', 1],
      ['rejections', 1],
      ['rejection_counts', 1],
      ['counter_events', 1],
      ['audit', 1],
    ],
  },
  2: {
    sql: [
      `INSERT INTO household_links (household_id, selector, token_hash, created_at) VALUES ('tilleuls-3', 'sel123', 'hash', ${T})`,
    ],
    expect: [['household_links', 1]],
  },
  3: {
    sql: [
      `INSERT INTO households (id, name, created_at) VALUES ('dupont', 'Dupont', ${T})`,
      `INSERT INTO nodes (id, name, household_id, secret_hash, created_at) VALUES ('plug-kitchen', 'Plug', 'dupont', '${X_HASH}', ${T})`,
      `INSERT INTO devices (node_id, format, topic, config, created_at) VALUES ('plug-kitchen', 'tasmota', 'tasmota_ABC', '{"sensors":{}}', ${T})`,
      `INSERT INTO peers (name, url, created_at) VALUES ('quartier-nord', 'mqtt://10.0.0.7:1883', ${T})`,
      `INSERT INTO neighbour_aggregates (neighbourhood, quantity, unit, ts, value, households, received_at) VALUES ('quartier-nord', 'power', 'W', ${T}, 4200, 5, ${T})`,
    ],
    expect: [
      ['households', 1],
      ['nodes', 1],
      ['devices', 1],
      ['peers', 1],
      ['neighbour_aggregates', 1],
    ],
  },
  4: {
    sql: [
      `INSERT INTO reading_blocks (sensor_id, t0, t1, n, ts_off, vals, seq0, seq1, seq_off)
         VALUES (2, ${T - 7_200_000}, ${T - 7_180_000}, 3, NULL, '[400,410,405]', 10, 12, NULL)`,
    ],
    expect: [['reading_blocks', 1]],
  },
  5: { sql: [`UPDATE nodes SET clock_offset_ms = 1500 WHERE id = 'tilleuls-compteur'`], expect: [] },
  6: {
    sql: [
      `INSERT INTO sharing_periods (household_id, since, until) VALUES ('tilleuls-3', ${T - 86_400_000}, NULL)`,
      `INSERT INTO published_buckets (quantity, period, start, value, series, households, private, withheld)
         VALUES ('power', 60000, ${T}, 4200, 4, 4, 3, NULL)`,
    ],
    expect: [
      ['sharing_periods', 1],
      ['published_buckets', 1],
    ],
  },
  7: {
    sql: [
      `INSERT INTO tariffs (valid_from, model, daily_charge, detail, set_at)
         VALUES ('2026-02-01', 'single', 0.47, '{"perKwh":0.2016}', ${T})`,
      `INSERT INTO tempo_days (day, colour, source, set_at) VALUES ('2026-02-02', 'red', 'console', ${T})`,
    ],
    expect: [
      ['tariffs', 1],
      ['tempo_days', 1],
    ],
  },
  8: {
    sql: [
      `INSERT INTO signal_days (day, ecowatt, note, set_at) VALUES ('2026-11-20', 'orange', 'Soirée sobre', ${T})`,
      `INSERT INTO challenges (id, title, day, from_time, to_time, target_pct, created_at)
         VALUES ('soiree-sobre', 'Soirée sobre', '2026-11-20', '18:00', '20:00', -10, ${T})`,
    ],
    expect: [
      ['signal_days', 1],
      ['challenges', 1],
    ],
  },
  9: {
    sql: [
      `UPDATE sensors SET part_of = 'meter-total' WHERE id = 2`,
      `INSERT INTO meters (node_id, kind, mode, option, subscribed_va, period, tempo_today, status_ts)
         VALUES ('tilleuls-compteur', 'tic', 'historique', 'HC..', 6000, 'HC..', NULL, ${T})`,
    ],
    expect: [['meters', 1]],
  },
};

/** The database a hub of schema version `v` left: its own migrations, then the rows it wrote. */
function fixture(dir: string, v: number): string {
  const file = path.join(dir, 'communs.db');
  const db = openDb({ file, upTo: v });
  for (let k = 1; k <= v; k++) for (const sql of ROWS[k]?.sql ?? []) db.exec(sql);
  db.close();
  return file;
}

function counts(db: Db, upTo: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 1; k <= upTo; k++) {
    for (const [table] of ROWS[k]?.expect ?? [])
      out[table] = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return out;
}

function expected(upTo: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 1; k <= upTo; k++)
    for (const [table, n] of ROWS[k]?.expect ?? []) out[table] = (out[table] ?? 0) + n;
  return out;
}

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, out, err })));
}

describe('every earlier schema is migrated without loss', () => {
  it('has a fixture for every schema version (a new migration needs its rows here)', () => {
    expect(Object.keys(ROWS).map(Number)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  for (let v = 1; v < LATEST; v++) {
    it(`from schema ${v}: every row kept, a copy of the old database taken first, the hub starts`, async () => {
      const dir = dataDir();
      const file = fixture(dir, v);
      const log: string[] = [];
      const db = openDb({ file, log: (l) => log.push(l) });
      expect(schemaVersion(db)).toBe(LATEST);
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(counts(db, v)).toEqual(expected(v));
      // raw readings stay readable through the residents' view, rows and packed blocks alike
      const all = db.prepare('SELECT count(*) FROM all_readings').pluck().get();
      expect(all).toBe(3 + (v >= 4 ? 3 : 0));
      db.close();

      const backups = fs.readdirSync(path.join(dir, 'backups'));
      expect(backups).toEqual([
        expect.stringMatching(new RegExp(`^pre-migration-v${v}-to-v${LATEST}-.*\\.db$`)),
      ]);
      const copy = path.join(dir, 'backups', backups[0] as string);
      expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
      expect(log).toEqual([`database schema ${v} → ${LATEST}: the database as it was is kept in ${copy}`]);
      // the copy is the old database, as the old hub would open it again
      const old = openDb({ file: copy, upTo: v });
      expect(schemaVersion(old)).toBe(v);
      expect(counts(old, v)).toEqual(expected(v));
      old.close();

      const hub = new Hub({ dataDir: dir, httpPort: 0, mqttPort: 0, host: '127.0.0.1', log: () => {} });
      const urls = await hub.start();
      cleanups.push(() => hub.stop());
      const body = NodesBody.parse(await (await fetch(`${urls.http}api/nodes`)).json());
      const node = body.nodes.find((n) => n.id === 'tilleuls-compteur');
      expect(node?.sensors.map((s) => s.id)).toEqual(['meter-energy', 'meter-power']);
      expect(node?.accepted).toBe(3);
      expect(node?.clockOffsetMs).toBe(v >= 5 ? 1500 : null);
      expect(await hub.store.registry.authenticate('tilleuls-compteur', 's3cret')).toBe(true);
    });
  }

  it('a fresh database and an up-to-date one are not copied', () => {
    const dir = dataDir();
    const file = path.join(dir, 'communs.db');
    openDb({ file }).close();
    openDb({ file }).close();
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });
});

describe('an older hub on a newer database', () => {
  function newer(): { dir: string; file: string; before: string } {
    const dir = dataDir();
    const file = fixture(dir, LATEST);
    const db = openDb({ file });
    db.pragma(`user_version = ${LATEST + 1}`);
    db.close();
    return { dir, file, before: sha(file) };
  }

  it('refuses to open it, in one line, and leaves it untouched', () => {
    const { dir, file, before } = newer();
    expect(() => openDb({ file })).toThrow(NewerSchemaError);
    expect(() => openDb({ file })).toThrow(
      `${file} has schema version ${LATEST + 1}, newer than this hub knows (${LATEST}): it was written by a newer Communs — run that version again, or restore a backup made before the update (docs/DEPLOY.md, Updating)`,
    );
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  it('communs hub exits with status 3 (systemd does not restart it) and one line; the console says it too', async () => {
    const { dir, file, before } = newer();
    const hub = await run(['hub', '--no-demo', '--http-port', '0', '--mqtt-port', '0', '--data', dir]);
    expect(hub.code).toBe(3);
    expect(hub.err.trim().split('\n')).toEqual([
      expect.stringMatching(/^communs hub: .* has schema version \d+, newer than this hub knows/),
    ]);
    const console = await run(['console', '--data', dir, '-c', 'status']);
    expect(console.code).toBe(1);
    expect(console.err.trim()).toMatch(/^communs console: .* newer than this hub knows/);
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(path.join(dir, 'hub.lock'))).toBe(false);
    // two processes that each load the hub through tsx: slow on a busy 2-core machine
  }, 120_000);
});
