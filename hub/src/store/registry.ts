import type { HouseholdKind, MetaMessage, Quantity, SharingLevel } from '../../../protocol/index.ts';
import { sensorColumns } from './commit-record.ts';
import type { Db } from './db.ts';
import { Meters } from './meters.ts';
import { described, type NodeDescription, RegistryStage } from './registry-stage.ts';
import { ScryptQueue } from './scrypt-queue.ts';
import { newSecret, quickDigest } from './secrets.ts';

export interface HouseholdRow {
  id: string;
  name: string;
  kind: HouseholdKind;
  sharing: SharingLevel;
  location: string | null;
  demo: number;
  created_at: number;
}

export interface NodeRow {
  id: string;
  name: string;
  household_id: string | null;
  secret_hash: string;
  demo: number;
  created_at: number;
  revoked_at: number | null;
  board: string | null;
  firmware: string | null;
  kit: string | null;
  power_w: number | null;
  status: string | null;
  status_ts: number | null;
  /** the node's clock minus the hub's, from its last status message that carried a time */
  clock_offset_ms: number | null;
  rssi: number | null;
  battery: number | null;
  last_seen: number | null;
  accepted: number;
  rejected: number;
  max_seq: number | null;
  gaps: number;
  /**
   * How many messages the node's board firmware sent, and the last, from its last status that had
   * any: in memory only (no column), the node repeats them in every status.
   */
  board_messages?: number | null;
  last_board_message?: string | null;
}

export interface SensorRow {
  id: number;
  node_id: string;
  sensor: string;
  quantity: Quantity;
  unit: string;
  label: string | null;
  last_total: number | null;
  last_total_ts: number | null;
  meter_offset: number;
  /** the node's sensor this one is a part of (a tariff register of a meter's total) */
  part_of: string | null;
}

/** A stretch of time during which a household's data was public (community or open); `until` null: still. */
export interface SharingPeriod {
  since: number;
  until: number | null;
}

const isPublicLevel = (s: SharingLevel) => s === 'community' || s === 'open';

export class RegistryError extends Error {}

/**
 * Households, nodes, their credentials and their sensors. Reads come from memory (the broker asks
 * on every publish); writes go to SQLite at once, so a crash loses no provisioning.
 */
export class Registry {
  private readonly db: Db;
  private readonly now: () => number;
  private households = new Map<string, HouseholdRow>();
  private nodes = new Map<string, NodeRow>();
  /** node id → sensor id → row */
  private sensors = new Map<string, Map<string, SensorRow>>();
  private sensorsById = new Map<number, SensorRow>();
  /** node id → digest of the last secret that passed scrypt; cleared on rotation or revocation */
  private verified = new Map<string, string>();
  private readonly scrypt: ScryptQueue;
  /** household id → when its data was public, oldest first (docs/PRIVACY.md) */
  private periods = new Map<string, SharingPeriod[]>();
  /** the highest sensor id given out: new sensors are numbered before their commit (stage) */
  private maxSensorId = 0;
  /** utility meters read by their own output: contract and tariff period */
  readonly meters: Meters;

  /** `scrypt`: the hub's one queue of password work (shared with household links) */
  constructor(opts: { db: Db; now?: () => number; scrypt?: ScryptQueue }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.meters = new Meters({ db: opts.db });
    this.scrypt = opts.scrypt ?? new ScryptQueue();
  }

  load(): void {
    this.households = new Map(
      (this.db.prepare('SELECT * FROM households').all() as HouseholdRow[]).map((h) => [h.id, h]),
    );
    this.nodes = new Map((this.db.prepare('SELECT * FROM nodes').all() as NodeRow[]).map((n) => [n.id, n]));
    this.sensors.clear();
    this.sensorsById.clear();
    for (const s of this.db.prepare('SELECT * FROM sensors').all() as SensorRow[]) this.cacheSensor(s);
    // ids are never given twice, even those of erased sensors (held data may still name them)
    this.maxSensorId = Math.max(
      this.maxSensorId,
      (this.db.prepare('SELECT max(id) FROM sensors').pluck().get() as number | null) ?? 0,
    );
    this.meters.load();
    this.periods.clear();
    const periods = this.db
      .prepare('SELECT household_id AS id, since, until FROM sharing_periods ORDER BY since')
      .all() as (SharingPeriod & { id: string })[];
    for (const p of periods) {
      const list = this.periods.get(p.id) ?? [];
      list.push({ since: p.since, until: p.until });
      this.periods.set(p.id, list);
    }
  }

  /** When a household's data was public, oldest first. */
  sharingPeriods(id: string): readonly SharingPeriod[] {
    return this.periods.get(id) ?? [];
  }

  /** Since when a household's data is public without a break; null when it is private now. */
  publicSince(id: string): number | null {
    const last = this.periods.get(id)?.at(-1);
    return last && last.until === null ? last.since : null;
  }

  /** Opens or closes the household's public period when its level crosses private <-> shared. */
  private recordSharing(id: string, before: SharingLevel | undefined, after: SharingLevel, at: number): void {
    const was = before !== undefined && isPublicLevel(before);
    const is = isPublicLevel(after);
    if (was === is) return;
    const list = this.periods.get(id) ?? [];
    if (is) {
      // two changes in the same millisecond: the period opened again is the one just closed
      const last = list.at(-1);
      if (last && last.since === at) {
        last.until = null;
        this.db
          .prepare('UPDATE sharing_periods SET until = NULL WHERE household_id = ? AND since = ?')
          .run(id, at);
      } else {
        list.push({ since: at, until: null });
        this.db
          .prepare('INSERT INTO sharing_periods (household_id, since, until) VALUES (?, ?, NULL)')
          .run(id, at);
      }
    } else {
      const open = list.at(-1);
      if (open && open.until === null) {
        open.until = at;
        this.db
          .prepare('UPDATE sharing_periods SET until = ? WHERE household_id = ? AND until IS NULL')
          .run(at, id);
      }
    }
    this.periods.set(id, list);
  }

  // --- households -------------------------------------------------------------------------------

  household(id: string): HouseholdRow | undefined {
    return this.households.get(id);
  }

  listHouseholds(): HouseholdRow[] {
    return [...this.households.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  addHousehold(h: {
    id: string;
    name: string;
    kind?: HouseholdKind;
    sharing?: SharingLevel;
    location?: string | null;
    demo?: boolean;
  }): HouseholdRow {
    if (this.households.has(h.id)) throw new RegistryError(`household "${h.id}" exists already`);
    const row: HouseholdRow = {
      id: h.id,
      name: h.name,
      kind: h.kind ?? 'household',
      sharing: h.sharing ?? 'private',
      location: h.location ?? null,
      demo: h.demo ? 1 : 0,
      created_at: this.now(),
    };
    this.db
      .prepare(
        'INSERT INTO households (id, name, kind, sharing, location, demo, created_at) VALUES (@id, @name, @kind, @sharing, @location, @demo, @created_at)',
      )
      .run(row);
    this.households.set(row.id, row);
    // a household that shares from the start has no private past: its series are public whole
    this.recordSharing(row.id, undefined, row.sharing, 0);
    return row;
  }

  updateHousehold(
    id: string,
    patch: Partial<Pick<HouseholdRow, 'name' | 'sharing' | 'location' | 'kind'>>,
  ): HouseholdRow {
    const row = this.households.get(id);
    if (!row) throw new RegistryError(`no household "${id}": see "household list"`);
    const next = { ...row, ...patch };
    this.db
      .prepare(
        'UPDATE households SET name = @name, sharing = @sharing, location = @location, kind = @kind WHERE id = @id',
      )
      .run(next);
    this.households.set(id, next);
    this.recordSharing(id, row.sharing, next.sharing, this.now());
    return next;
  }

  /**
   * Deletes a household with its nodes and their sensors (erasure, docs/PRIVACY.md); the caller deletes
   * their data first. Returns the node ids and sensor ids that were removed.
   */
  removeHousehold(id: string): { nodes: string[]; sensorIds: number[] } {
    if (!this.households.has(id)) throw new RegistryError(`no household "${id}": see "household list"`);
    const nodes = [...this.nodes.values()].filter((n) => n.household_id === id).map((n) => n.id);
    const sensorIds = nodes.flatMap((n) => this.sensorsOf(n).map((s) => s.id));
    this.db.transaction(() => {
      for (const n of nodes) {
        this.db.prepare('DELETE FROM sensors WHERE node_id = ?').run(n);
        this.db.prepare('DELETE FROM nodes WHERE id = ?').run(n);
      }
      this.meters.forget(nodes);
      this.db.prepare('DELETE FROM sharing_periods WHERE household_id = ?').run(id);
      this.db.prepare('DELETE FROM households WHERE id = ?').run(id);
    })();
    this.periods.delete(id);
    for (const n of nodes) {
      for (const s of this.sensors.get(n)?.values() ?? []) this.sensorsById.delete(s.id);
      this.sensors.delete(n);
      this.nodes.delete(n);
      this.verified.delete(n);
    }
    this.households.delete(id);
    return { nodes, sensorIds };
  }

  // --- nodes ------------------------------------------------------------------------------------

  node(id: string): NodeRow | undefined {
    return this.nodes.get(id);
  }

  listNodes(): NodeRow[] {
    return [...this.nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Creates a node and returns its secret: the only time the secret exists in clear. `alongside`
   * runs in the transaction that inserts the node (a device's own row).
   */
  async addNode(
    n: { id: string; name?: string; household?: string | null; demo?: boolean },
    opts: { alongside?: () => void } = {},
  ): Promise<{ node: NodeRow; secret: string }> {
    this.checkNewNode(n);
    const secret = newSecret();
    const secretHash = await this.scrypt.hash(secret);
    // the same id may have been added, or its household removed, while scrypt ran
    this.checkNewNode(n);
    const row: NodeRow = {
      id: n.id,
      name: n.name ?? n.id,
      household_id: n.household ?? null,
      secret_hash: secretHash,
      demo: n.demo ? 1 : 0,
      created_at: this.now(),
      revoked_at: null,
      board: null,
      firmware: null,
      kit: null,
      power_w: null,
      status: null,
      status_ts: null,
      clock_offset_ms: null,
      rssi: null,
      battery: null,
      last_seen: null,
      accepted: 0,
      rejected: 0,
      max_seq: null,
      gaps: 0,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO nodes (id, name, household_id, secret_hash, demo, created_at) VALUES (@id, @name, @household_id, @secret_hash, @demo, @created_at)',
        )
        .run(row);
      opts.alongside?.();
    })();
    this.nodes.set(row.id, row);
    return { node: row, secret };
  }

  private checkNewNode(n: { id: string; household?: string | null }): void {
    if (this.nodes.has(n.id))
      throw new RegistryError(`node "${n.id}" exists already: use "node rotate ${n.id}" for a new secret`);
    if (n.household && !this.households.has(n.household)) {
      throw new RegistryError(
        `no household "${n.household}": add it first with "household add ${n.household} NAME"`,
      );
    }
  }

  async rotateSecret(id: string): Promise<string> {
    this.requireNode(id);
    const secret = newSecret();
    const secretHash = await this.scrypt.hash(secret);
    // the node may have been erased while scrypt ran
    const row = this.requireNode(id);
    row.secret_hash = secretHash;
    row.revoked_at = null;
    this.db
      .prepare('UPDATE nodes SET secret_hash = ?, revoked_at = NULL WHERE id = ?')
      .run(row.secret_hash, id);
    this.verified.delete(id);
    return secret;
  }

  revoke(id: string): void {
    const row = this.requireNode(id);
    row.revoked_at = this.now();
    this.db.prepare('UPDATE nodes SET revoked_at = ? WHERE id = ?').run(row.revoked_at, id);
    this.verified.delete(id);
  }

  updateNode(id: string, patch: { name?: string; household_id?: string | null }): NodeRow {
    const row = this.requireNode(id);
    if (patch.household_id && !this.households.has(patch.household_id)) {
      throw new RegistryError(`no household "${patch.household_id}": add it first with "household add"`);
    }
    Object.assign(row, patch);
    this.db
      .prepare('UPDATE nodes SET name = ?, household_id = ? WHERE id = ?')
      .run(row.name, row.household_id, id);
    return row;
  }

  /**
   * True when `secret` is the one that last passed scrypt for this unrevoked node: a cheap check,
   * which lets a known node log in from an address throttled for failed logins (broker.ts).
   */
  knownGood(id: string, secret: string): boolean {
    const row = this.nodes.get(id);
    return !!row && row.revoked_at === null && this.verified.get(id) === quickDigest(secret);
  }

  /**
   * True when `secret` is the node's current secret and the node is not revoked. Rejects with
   * ScryptBusy when too many checks wait already (scrypt-queue.ts): the caller says "try again".
   */
  async authenticate(id: string, secret: string): Promise<boolean> {
    const row = this.nodes.get(id);
    if (!row || row.revoked_at !== null) return false;
    const digest = quickDigest(secret);
    if (this.verified.get(id) === digest) return true;
    const ok = await this.scrypt.verify(secret, row.secret_hash);
    // the node may have been revoked or rotated while scrypt ran
    const now = this.nodes.get(id);
    if (!ok || !now || now.revoked_at !== null || now.secret_hash !== row.secret_hash) return false;
    this.verified.set(id, digest);
    return true;
  }

  /**
   * Changes to nodes and sensors that travel with a commit of readings (hub/src/store/readings-store.ts):
   * a node's meta and status messages are applied in the same transaction as the readings that follow
   * them, and reach the registry's memory only once that transaction has committed. Readings of the
   * same batch see the sensors a meta message declares before them.
   */
  stage(): RegistryStage {
    return new RegistryStage(this, () => ++this.maxSensorId);
  }

  /** Sensors declared or changed by a commit, now durable (hub/src/store/readings-store.ts). */
  applySensorRows(
    rows: ReadonlyArray<
      Pick<SensorRow, 'id' | 'node_id' | 'sensor' | 'quantity' | 'unit' | 'label'> & {
        part_of?: string | null;
      }
    >,
  ): void {
    for (const r of rows) {
      if (!this.nodes.has(r.node_id)) continue;
      this.cacheSensor({ last_total: null, last_total_ts: null, meter_offset: 0, part_of: null, ...r });
    }
  }

  /** Node fields set by a commit's meta and status messages, now durable; a meter's go to `meters`. */
  applyNodeFields(n: NodeDescription): void {
    const row = this.nodes.get(n.id);
    if (!row) return;
    Object.assign(row, described(n));
    if (n.meter) this.meters.applyMeta(n.id, n.meter);
    if (n.meterStatus) this.meters.applyStatus(n.id, n.meterStatus.status, n.meterStatus.ts);
  }

  /** Applies a node's self-description at once, outside ingest (tools and tests). */
  applyMeta(nodeId: string, meta: MetaMessage): void {
    const stage = this.stage();
    stage.applyMeta(nodeId, meta);
    const { sensors, nodes } = stage.changes();
    this.db.transaction(() => {
      for (const s of sensors)
        this.db
          .prepare(
            `INSERT INTO sensors (id, node_id, sensor, quantity, unit, label, part_of) VALUES (@id, @node_id, @sensor, @quantity, @unit, @label, @part_of)
             ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity, unit = excluded.unit, label = excluded.label, part_of = excluded.part_of`,
          )
          .run(sensorColumns(s));
      for (const n of nodes)
        this.db
          .prepare('UPDATE nodes SET board = ?, firmware = ?, kit = ?, power_w = ? WHERE id = ?')
          .run(n.board, n.firmware, n.kit, n.power_w, n.id);
    })();
    this.applySensorRows(sensors);
    for (const n of nodes) this.applyNodeFields(n);
  }

  // --- sensors ----------------------------------------------------------------------------------

  sensor(nodeId: string, sensor: string): SensorRow | undefined {
    return this.sensors.get(nodeId)?.get(sensor);
  }

  sensorById(id: number): SensorRow | undefined {
    return this.sensorsById.get(id);
  }

  sensorsOf(nodeId: string): SensorRow[] {
    return [...(this.sensors.get(nodeId)?.values() ?? [])].sort((a, b) => a.sensor.localeCompare(b.sensor));
  }

  allSensors(): SensorRow[] {
    return [...this.sensorsById.values()];
  }

  /** The household a sensor's readings belong to, or null for an unattached node. */
  householdOfSensor(sensorId: number): HouseholdRow | undefined {
    const s = this.sensorsById.get(sensorId);
    const n = s && this.nodes.get(s.node_id);
    return n?.household_id ? this.households.get(n.household_id) : undefined;
  }

  private cacheSensor(s: SensorRow): void {
    if (s.id > this.maxSensorId) this.maxSensorId = s.id;
    let byNode = this.sensors.get(s.node_id);
    if (!byNode) {
      byNode = new Map();
      this.sensors.set(s.node_id, byNode);
    }
    const existing = byNode.get(s.sensor);
    // keep the live counter state of an existing row (it is newer than what RETURNING read back)
    if (existing)
      Object.assign(existing, { quantity: s.quantity, unit: s.unit, label: s.label, part_of: s.part_of });
    else {
      byNode.set(s.sensor, s);
      this.sensorsById.set(s.id, s);
    }
  }

  private requireNode(id: string): NodeRow {
    const row = this.nodes.get(id);
    if (!row) throw new RegistryError(`no node "${id}": see "node list"`);
    return row;
  }
}
