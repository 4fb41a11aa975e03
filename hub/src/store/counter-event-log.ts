import type { CounterEvent } from '../../../protocol/interop/counter-events.ts';
import type { CounterEventKind } from '../ingest/counter-guard.ts';
import type { Db } from './db.ts';

/** Resets, jumps and backward steps of energy counters (table `counter_events`). */
export class CounterEventLog {
  private readonly stmts;

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
  }

  /** Inside ingest's transaction. */
  record(
    sensorId: number,
    ts: number,
    kind: CounterEventKind,
    previous: number | null,
    current: number,
  ): void {
    this.stmts.insert.run(sensorId, ts, kind, previous, current);
  }

  /** A node's last events, newest first. */
  lastOf(node: string, limit: number): CounterEvent[] {
    return this.stmts.lastOf.all(node, limit) as CounterEvent[];
  }
}
