import type { MetaMessage, MeterDescription, MeterStatus, StatusMessage } from '../../../protocol/index.ts';
import type { NodeRow, SensorRow } from './registry.ts';

/**
 * The fields of a node that its meta and status messages set; for a node reading a utility meter,
 * also the meter's description and tariff period (kept by hub/src/store/meters.ts, not in `nodes`).
 */
export type NodeDescription = Pick<
  NodeRow,
  | 'id'
  | 'board'
  | 'firmware'
  | 'kit'
  | 'power_w'
  | 'status'
  | 'status_ts'
  | 'clock_offset_ms'
  | 'rssi'
  | 'battery'
  | 'last_seen'
  | 'board_messages'
  | 'last_board_message'
> & { meter?: MeterDescription; meterStatus?: { status: MeterStatus; ts: number } };

export function described(n: NodeDescription): Omit<NodeDescription, 'id'> {
  return {
    board: n.board,
    firmware: n.firmware,
    kit: n.kit,
    power_w: n.power_w,
    status: n.status,
    status_ts: n.status_ts,
    clock_offset_ms: n.clock_offset_ms,
    rssi: n.rssi,
    battery: n.battery,
    last_seen: n.last_seen,
    board_messages: n.board_messages ?? null,
    last_board_message: n.last_board_message ?? null,
  };
}

/** The registry's read side, as a stage needs it. */
export interface RegistryView {
  node(id: string): NodeRow | undefined;
  sensor(nodeId: string, sensor: string): SensorRow | undefined;
}

/**
 * Registry changes carried by one commit of ingest: meta and status messages, staged in arrival
 * order. Readings validated during the commit look sensors up here first, so a sensor declared
 * earlier in the same batch is known to them. Nothing changes until the commit is durable: then the
 * store applies `changes()` (hub/src/store/readings-store.ts); a failed commit leaves the registry as
 * it was.
 */
export class RegistryStage implements RegistryView {
  private readonly registry: RegistryView;
  private readonly nextSensorId: () => number;
  private readonly nodes = new Map<string, NodeDescription>();
  /** node id → sensor id → staged row, when new or different from the registry's */
  private readonly sensors = new Map<string, Map<string, SensorRow>>();

  constructor(registry: RegistryView, nextSensorId: () => number) {
    this.registry = registry;
    this.nextSensorId = nextSensorId;
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
    return this.sensors.get(nodeId)?.get(sensor) ?? this.registry.sensor(nodeId, sensor);
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
      const known = this.sensor(nodeId, s.id);
      const label = s.label ?? null;
      const part_of = s.partOf ?? null;
      if (
        known &&
        known.quantity === s.quantity &&
        known.unit === s.unit &&
        known.label === label &&
        known.part_of === part_of
      )
        continue;
      byNode.set(
        s.id,
        known
          ? { ...known, quantity: s.quantity, unit: s.unit, label, part_of }
          : {
              id: this.nextSensorId(),
              node_id: nodeId,
              sensor: s.id,
              quantity: s.quantity,
              unit: s.unit,
              label,
              last_total: null,
              last_total_ts: null,
              meter_offset: 0,
              part_of,
            },
      );
    }
    if (meta.meter) node.meter = meta.meter;
  }

  /** A node's status message, received at `ts` (the hub's clock). */
  applyStatus(nodeId: string, status: StatusMessage, ts: number): void {
    const node = this.stagedNode(nodeId);
    if (!node) return;
    node.status = status.state;
    node.status_ts = ts;
    // the node's clock against the hub's, for the Sensors view (a status is sent as it is made)
    if (status.ts !== undefined && status.state === 'online') node.clock_offset_ms = status.ts - ts;
    if (status.rssi !== undefined) node.rssi = status.rssi;
    if (status.battery !== undefined) node.battery = status.battery;
    if (status.boardMessages !== undefined) {
      node.board_messages = status.boardMessages;
      node.last_board_message = status.lastBoardMessage ?? null;
    }
    if (status.state === 'online') node.last_seen = ts;
    // a meter's fields left out keep their value: merged with what this batch staged before
    if (status.meter) node.meterStatus = { status: { ...node.meterStatus?.status, ...status.meter }, ts };
  }

  /** What the staged messages change: sensors new or different, and node fields. */
  changes(): { sensors: SensorRow[]; nodes: NodeDescription[] } {
    const sensors: SensorRow[] = [];
    for (const byNode of this.sensors.values()) sensors.push(...byNode.values());
    return { sensors, nodes: [...this.nodes.values()] };
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
