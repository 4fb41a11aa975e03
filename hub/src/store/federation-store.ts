import type { FederationAggregate } from '../../../protocol/interop/federation.ts';
import type { Db } from './db.ts';

export interface PeerRow {
  name: string;
  url: string;
  username: string | null;
  /**
   * Kept in clear: the hub must present it to the peer's broker. It opens only a login that may
   * publish and read aggregates there, never individual data.
   */
  password: string | null;
}

export type NeighbourAggregate = Omit<FederationAggregate, 'v'> & { receivedAt: number };

/** Peer hubs (table `peers`) and the latest aggregate of each neighbouring quartier (`neighbour_aggregates`). */
export class FederationStore {
  private readonly db: Db;

  constructor(opts: { db: Db }) {
    this.db = opts.db;
  }

  peers(): PeerRow[] {
    return this.db
      .prepare('SELECT name, url, username, password FROM peers ORDER BY name')
      .all() as PeerRow[];
  }

  addPeer(p: PeerRow, now: number): void {
    if (this.db.prepare('SELECT 1 FROM peers WHERE name = ?').get(p.name)) {
      throw new Error(`peer "${p.name}" exists already: remove it first with "peer remove ${p.name}"`);
    }
    this.db
      .prepare('INSERT INTO peers (name, url, username, password, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(p.name, p.url, p.username, p.password, now);
  }

  removePeer(name: string): boolean {
    return this.db.prepare('DELETE FROM peers WHERE name = ?').run(name).changes > 0;
  }

  saveNeighbour(a: FederationAggregate, receivedAt: number): void {
    this.db
      .prepare(
        `INSERT INTO neighbour_aggregates (neighbourhood, quantity, unit, ts, value, households, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (neighbourhood, quantity) DO UPDATE SET unit = excluded.unit, ts = excluded.ts,
           value = excluded.value, households = excluded.households, received_at = excluded.received_at
         WHERE excluded.ts >= neighbour_aggregates.ts`,
      )
      .run(a.neighbourhood, a.quantity, a.unit, a.ts, a.value, a.households, receivedAt);
  }

  /** A neighbour withdrew its figure (an empty retained message): it is no longer shown. */
  removeNeighbour(neighbourhood: string, quantity: string): void {
    this.db
      .prepare('DELETE FROM neighbour_aggregates WHERE neighbourhood = ? AND quantity = ?')
      .run(neighbourhood, quantity);
  }

  neighbours(): NeighbourAggregate[] {
    return this.db
      .prepare(
        `SELECT neighbourhood, quantity, unit, ts, value, households, received_at AS receivedAt
         FROM neighbour_aggregates ORDER BY neighbourhood, quantity`,
      )
      .all() as NeighbourAggregate[];
  }
}
