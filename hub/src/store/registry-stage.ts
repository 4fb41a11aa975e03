import type { MetaMessage, StatusMessage } from '../../../protocol/index.ts';
import type { NodeRow, SensorRow } from './registry.ts';

/** The fields of a node that its meta and status messages set. */
export type NodeDescription = Pick<
  NodeRow,
  'id' | 'board' | 'firmware' | 'kit' | 'power_w' | 'status' | 'status_ts' | 'rssi' | 'battery' | 'last_seen'
>;

export function described(n: NodeDescription): Omit<NodeDescription, 'id'> {
  return {
    board: n.board,
    firmware: n.firmware,
    kit: n.kit,
    power_w: n.power_w,
    status: n.status,
    status_ts: n.status_ts,
    rssi: n.rssi,
    battery: n.battery,
    last_seen: n.last_seen,
  };
}

/** What the registry lends a stage: where new ids come from, how rows are written and published. */
export interface StageHooks {
  nextSensorId(): number;
  writeSensor(row: SensorRow, fresh: boolean): void;
  writeNode(row: NodeDescription): void;
  publish(nodes: readonly NodeDescription[], sensors: readonly SensorRow[]): void;
}

/** The registry's read side, as a stage needs it. */
export interface RegistryView {
  node(id: string): NodeRow | undefined;
  sensor(nodeId: string, sensor: string): SensorRow | undefined;
}

/**
 * Registry changes carried by one commit of ingest: meta and status messages, staged in arrival
 * order. Readings validated during the commit look sensors up here first, so a sensor declared
 * earlier in the same batch is known to them. `write()` runs inside the commit's transaction;
 * `published()` follows a successful commit, and only then does the registry's memory change: a
 * failed commit leaves the registry as it was.
 */
export class RegistryStage implements RegistryView {
  private readonly registry: RegistryView;
  private readonly hooks: StageHooks;
  private readonly nodes = new Map<string, NodeDescription>();
  /** node id → sensor id → staged row, with whether it is new */
  private readonly sensors = new Map<string, Map<string, { row: SensorRow; fresh: boolean }>>();

  constructor(registry: RegistryView, hooks: StageHooks) {
    this.registry = registry;
    this.hooks = hooks;
  }

  get empty(): boolean {
    return this.nodes.size === 0 && this.sensors.size === 0;
  }

  node(id: string): NodeRow | undefined {
    const row = this.registry.node(id);
    const staged = this.nodes.get(id);
    return row && staged ? { ...row, ...described(staged) } : row;
  }

  sensor(nodeId: string, sensor: string): SensorRow | undefined {
    return this.sensors.get(nodeId)?.get(sensor)?.row ?? this.registry.sensor(nodeId, sensor);
  }

  /** A node's self-description: board, power budget and the sensors it declares (added or updated). */
  applyMeta(nodeId: string, meta: MetaMessage): void {
    const node = this.stagedNode(nodeId);
    if (!node) return;
    node.board = meta.board;
    node.firmware = meta.firmware ?? null;
    node.kit = meta.kit ?? null;
    node.power_w = meta.powerW ?? null;
    let byNode = this.sensors.get(nodeId);
    if (!byNode) {
      byNode = new Map();
      this.sensors.set(nodeId, byNode);
    }
    for (const s of meta.sensors) {
      const known = byNode.get(s.id) ?? this.knownSensor(nodeId, s.id);
      const row: SensorRow = known
        ? { ...known.row, quantity: s.quantity, unit: s.unit, label: s.label ?? null }
        : {
            id: this.hooks.nextSensorId(),
            node_id: nodeId,
            sensor: s.id,
            quantity: s.quantity,
            unit: s.unit,
            label: s.label ?? null,
            last_total: null,
            last_total_ts: null,
            meter_offset: 0,
          };
      byNode.set(s.id, { row, fresh: known?.fresh ?? true });
    }
  }

  /** A node's status message, received at `ts` (the hub's clock). */
  applyStatus(nodeId: string, status: StatusMessage, ts: number): void {
    const node = this.stagedNode(nodeId);
    if (!node) return;
    node.status = status.state;
    node.status_ts = ts;
    if (status.rssi !== undefined) node.rssi = status.rssi;
    if (status.battery !== undefined) node.battery = status.battery;
    if (status.state === 'online') node.last_seen = ts;
  }

  /** Inside the commit's transaction. */
  write(): void {
    for (const n of this.nodes.values()) this.hooks.writeNode(n);
    for (const byNode of this.sensors.values())
      for (const { row, fresh } of byNode.values()) this.hooks.writeSensor(row, fresh);
  }

  /** After the commit: the registry's memory takes the changes. */
  published(): void {
    const sensors: SensorRow[] = [];
    for (const byNode of this.sensors.values()) for (const { row } of byNode.values()) sensors.push(row);
    this.hooks.publish([...this.nodes.values()], sensors);
  }

  private knownSensor(nodeId: string, sensor: string): { row: SensorRow; fresh: boolean } | undefined {
    const row = this.registry.sensor(nodeId, sensor);
    return row ? { row, fresh: false } : undefined;
  }

  private stagedNode(id: string): NodeDescription | undefined {
    let node = this.nodes.get(id);
    if (node) return node;
    const row = this.registry.node(id);
    if (!row) return undefined;
    node = { id, ...described(row) };
    this.nodes.set(id, node);
    return node;
  }
}
