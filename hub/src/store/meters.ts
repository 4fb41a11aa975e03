import type { MeterDescription, MeterStatus, TempoColour } from '../../../protocol/index.ts';
import type { Db } from './db.ts';

/** One node's utility meter, as the `meters` table keeps it (docs/DATA.md). */
export interface MeterRow {
  node_id: string;
  kind: MeterDescription['kind'];
  mode: string | null;
  phases: number | null;
  option: string | null;
  subscribed_va: number | null;
  subscribed_a: number | null;
  producer: number | null;
  /** the tariff period in progress, as the meter names it */
  period: string | null;
  period_index: number | null;
  off_peak: number | null;
  tempo_today: TempoColour | null;
  /** null: not announced yet (or not a Tempo contract) */
  tempo_tomorrow: TempoColour | null;
  /** when the hub received the period and colours */
  status_ts: number | null;
}

/** The Tempo colours a meter last reported, and when. */
export interface TempoReport {
  node: string;
  today: TempoColour | null;
  tomorrow: TempoColour | null;
  ts: number;
}

/**
 * The meters that nodes read directly: the contract from their meta, the tariff period and Tempo
 * colours from their status. Held in memory (the registry asks on every status), written at once.
 * Other hub code reads them here, through `Registry.meters`: the tariff period a node is in, and
 * today's and tomorrow's Tempo colour as the neighbourhood's meters last said them.
 */
export class Meters {
  private readonly db: Db;
  private rows = new Map<string, MeterRow>();

  constructor(opts: { db: Db }) {
    this.db = opts.db;
  }

  load(): void {
    this.rows = new Map(
      (this.db.prepare('SELECT * FROM meters').all() as MeterRow[]).map((r) => [r.node_id, r]),
    );
  }

  get(node: string): MeterRow | undefined {
    return this.rows.get(node);
  }

  list(): MeterRow[] {
    return [...this.rows.values()].sort((a, b) => a.node_id.localeCompare(b.node_id));
  }

  /** The most recent Tempo report of any meter (the colours are the same for the whole country). */
  latestTempo(): TempoReport | undefined {
    let best: MeterRow | undefined;
    for (const r of this.rows.values()) {
      if ((r.tempo_today === null && r.tempo_tomorrow === null) || r.status_ts === null) continue;
      if (!best || r.status_ts > (best.status_ts ?? 0)) best = r;
    }
    return best && best.status_ts !== null
      ? { node: best.node_id, today: best.tempo_today, tomorrow: best.tempo_tomorrow, ts: best.status_ts }
      : undefined;
  }

  /** True when `m` says something else than what is kept for the node (or nothing is kept). */
  differs(node: string, m: MeterDescription): boolean {
    const row = this.rows.get(node);
    const next = this.withMeta(node, m);
    return !row || (Object.keys(next) as Array<keyof MeterRow>).some((k) => next[k] !== row[k]);
  }

  applyMeta(node: string, m: MeterDescription): void {
    if (this.differs(node, m)) this.write(this.withMeta(node, m));
  }

  private withMeta(node: string, m: MeterDescription): MeterRow {
    return {
      ...this.empty(node),
      ...this.rows.get(node),
      kind: m.kind,
      mode: m.mode ?? null,
      phases: m.phases ?? null,
      option: m.option ?? null,
      subscribed_va: m.subscribedVA ?? null,
      subscribed_a: m.subscribedA ?? null,
      producer: m.producer === undefined ? null : m.producer ? 1 : 0,
    };
  }

  /**
   * A field the status leaves out keeps its value: Tasmota sends only the labels that changed. The
   * time of the report is kept in memory at once; the row is written when something else changed
   * (an agent repeats its status every minute: that is no reason to write).
   */
  applyStatus(node: string, s: MeterStatus, ts: number): void {
    const known = this.rows.get(node);
    const row: MeterRow = { ...this.empty(node), ...known, status_ts: ts };
    if (s.period !== undefined) row.period = s.period;
    if (s.index !== undefined) row.period_index = s.index;
    if (s.offPeak !== undefined) row.off_peak = s.offPeak ? 1 : 0;
    if (s.tempoToday !== undefined) row.tempo_today = s.tempoToday;
    if (s.tempoTomorrow !== undefined) row.tempo_tomorrow = s.tempoTomorrow;
    const changed =
      !known ||
      (Object.keys(row) as Array<keyof MeterRow>).some((k) => k !== 'status_ts' && row[k] !== known[k]);
    if (changed) this.write(row);
    else known.status_ts = ts;
  }

  /** Erasure: the meters of these nodes go with them. */
  forget(nodes: readonly string[]): void {
    const del = this.db.prepare('DELETE FROM meters WHERE node_id = ?');
    for (const n of nodes) {
      del.run(n);
      this.rows.delete(n);
    }
  }

  private empty(node: string): MeterRow {
    return {
      node_id: node,
      kind: 'tic',
      mode: null,
      phases: null,
      option: null,
      subscribed_va: null,
      subscribed_a: null,
      producer: null,
      period: null,
      period_index: null,
      off_peak: null,
      tempo_today: null,
      tempo_tomorrow: null,
      status_ts: null,
    };
  }

  private write(row: MeterRow): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO meters (node_id, kind, mode, phases, option, subscribed_va, subscribed_a,
           producer, period, period_index, off_peak, tempo_today, tempo_tomorrow, status_ts)
         VALUES (@node_id, @kind, @mode, @phases, @option, @subscribed_va, @subscribed_a, @producer,
           @period, @period_index, @off_peak, @tempo_today, @tempo_tomorrow, @status_ts)`,
      )
      .run(row);
    this.rows.set(row.node_id, row);
  }
}
