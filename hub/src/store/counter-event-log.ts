import type { CounterEvent } from '../../../protocol/interop/counter-events.ts';
import type { CounterEventKind } from '../ingest/counter-guard.ts';
import type { Db } from './db.ts';

interface Pending {
  sensorId: number;
  ts: number;
  kind: CounterEventKind;
  previous: number | null;
  current: number;
}

/**
 * Resets, jumps and backward steps of energy counters (table `counter_events`): held in memory once
 * their commit is durable, written at the fold (hub/src/store/readings-store.ts), read merged.
 */
export class CounterEventLog {
  private pending: Pending[] = [];
  private readonly stmts;
  private readonly sensorsOf;

  constructor(opts: { db: Db }) {
    const { db } = opts;
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO counter_events (sensor_id, ts, kind, previous, current) VALUES (?, ?, ?, ?, ?)',
      ),
      lastOf: db.prepare(
        `SELECT s.sensor AS sensor, e.ts AS ts, e.kind AS kind, e.previous AS previous, e.current AS current
         FROM counter_events e JOIN sensors s ON s.id = e.sensor_id
         WHERE s.node_id = ? ORDER BY e.ts DESC LIMIT ?`,
      ),
    };
    this.sensorsOf = db.prepare('SELECT id, sensor FROM sensors WHERE node_id = ?').raw();
  }

  record(
    sensorId: number,
    ts: number,
    kind: CounterEventKind,
    previous: number | null,
    current: number,
  ): void {
    this.pending.push({ sensorId, ts, kind, previous, current });
  }

  /** Inside the fold's transaction. */
  writePending(): void {
    for (const e of this.pending) this.stmts.insert.run(e.sensorId, e.ts, e.kind, e.previous, e.current);
  }

  clearPending(): void {
    this.pending = [];
  }

  forgetPending(sensorIds: ReadonlySet<number>): void {
    this.pending = this.pending.filter((e) => !sensorIds.has(e.sensorId));
  }

  /** A node's last events, newest first. */
  lastOf(node: string, limit: number): CounterEvent[] {
    const names = new Map(this.sensorsOf.all(node) as [number, string][]);
    const held: CounterEvent[] = this.pending
      .filter((e) => names.has(e.sensorId))
      .map((e) => ({
        sensor: names.get(e.sensorId) as string,
        ts: e.ts,
        kind: e.kind,
        previous: e.previous,
        current: e.current,
      }));
    const stored = this.stmts.lastOf.all(node, limit) as CounterEvent[];
    return [...held, ...stored].sort((a, b) => b.ts - a.ts).slice(0, limit);
  }
}
