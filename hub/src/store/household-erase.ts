import type { Db } from './db.ts';
import type { HouseholdLinks } from './household-links.ts';
import type { RawReadings } from './raw-readings.ts';
import type { ReadingsStore } from './readings-store.ts';
import type { Registry } from './registry.ts';

/** What erasing a household removes (or removed): shown before the confirmation, audited after. */
export interface EraseSummary {
  household: string;
  nodes: string[];
  sensorIds: number[];
  readings: number;
  rollups: number;
  rejections: number;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ') || 'NULL';
}

export interface HouseholdEraserOptions {
  db: Db;
  registry: Registry;
  links: HouseholdLinks;
  /** what ingest holds in memory: the household's is dropped, never written later */
  held: ReadingsStore;
  /** raw readings, held ones included */
  raw: RawReadings;
}

/**
 * Erases a household on request (docs/PRIVACY.md): its raw readings (rows and packed blocks), the
 * rollups of its series, counter events, rejections, its private link, its sensors, nodes and the
 * household itself, in one transaction. Collective figures are computed from the remaining rollups
 * on every request, so they stop counting the household at once. The caller revokes and
 * disconnects the nodes first, so no reading of theirs is committed after.
 */
export class HouseholdEraser {
  private readonly opts: HouseholdEraserOptions;
  private readonly raw: RawReadings;

  constructor(opts: HouseholdEraserOptions) {
    this.opts = opts;
    this.raw = opts.raw;
  }

  /** Counts what `erase` would remove, without removing anything. */
  plan(householdId: string): EraseSummary {
    const { db, registry, held } = this.opts;
    const nodes = registry
      .listNodes()
      .filter((n) => n.household_id === householdId)
      .map((n) => n.id);
    const sensorIds = nodes.flatMap((n) => registry.sensorsOf(n).map((s) => s.id));
    const count = (sql: string, ids: readonly (string | number)[]) =>
      (db
        .prepare(sql)
        .pluck()
        .get(...ids) as number | undefined) ?? 0;
    return {
      household: householdId,
      nodes,
      sensorIds,
      readings: this.raw.countOf(sensorIds),
      rollups:
        count(
          `SELECT count(*) FROM rollups WHERE sensor_id IN (${placeholders(sensorIds.length)})`,
          sensorIds,
        ) + held.rollups.heldCountOf(new Set(sensorIds)),
      rejections: count(
        `SELECT count(*) FROM rejections WHERE node_id IN (${placeholders(nodes.length)})`,
        nodes,
      ),
    };
  }

  async erase(householdId: string): Promise<EraseSummary> {
    const { db, registry, links, held } = this.opts;
    const summary = this.plan(householdId);
    const { nodes, sensorIds } = summary;
    const inSensors = placeholders(sensorIds.length);
    const inNodes = placeholders(nodes.length);
    // deleted rows are overwritten with zeros, not just unlinked (`secure_delete`, set in db.ts)
    try {
      db.transaction(() => {
        db.prepare(`DELETE FROM readings WHERE sensor_id IN (${inSensors})`).run(...sensorIds);
        db.prepare(`DELETE FROM reading_blocks WHERE sensor_id IN (${inSensors})`).run(...sensorIds);
        db.prepare(`DELETE FROM rollups WHERE sensor_id IN (${inSensors})`).run(...sensorIds);
        db.prepare(`DELETE FROM counter_events WHERE sensor_id IN (${inSensors})`).run(...sensorIds);
        db.prepare(`DELETE FROM rejections WHERE node_id IN (${inNodes})`).run(...nodes);
        db.prepare(`DELETE FROM rejection_counts WHERE node_id IN (${inNodes})`).run(...nodes);
        links.revoke(householdId);
        registry.removeHousehold(householdId);
      })();
    } catch (err) {
      // the registry's memory may be ahead of a rolled-back transaction: read it back from the file
      registry.load();
      throw err;
    }
    // readings and rollups held in memory go too, and the commit log is overwritten with zeros
    await held.forget(nodes, sensorIds);
    // earlier versions of the erased pages still sit in the write-ahead log: copied back and cut off
    db.pragma('wal_checkpoint(TRUNCATE)');
    return summary;
  }
}
