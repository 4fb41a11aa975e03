import { DeviceConfig, type DeviceFormat, type SensorMapping } from '../../../protocol/interop/device.ts';
import type { Db } from './db.ts';
import type { Registry } from './registry.ts';

export interface DeviceRow {
  node: string;
  format: DeviceFormat;
  /** the device's own topic level (Tasmota `%topic%`, ESPHome node name, emonhub node) */
  topic: string | null;
  config: DeviceConfig;
}

interface RawRow {
  node_id: string;
  format: DeviceFormat;
  topic: string | null;
  config: string;
}

/**
 * The interop side of provisioning (table `devices`, docs/INTEROP.md): which format a node speaks
 * and under which topic. A node without a row is native. The broker asks on every publish, so rows
 * are cached (a SQLite lookup costs ~3 µs, a map ~0.05); whoever writes through another instance
 * (the console's commands) calls `invalidate()` on the running hub's, through `ctx.interop`.
 */
export class DeviceStore {
  private readonly db: Db;
  private readonly now: () => number;
  private readonly stmts;
  private readonly cache = new Map<string, DeviceRow | null>();
  private byFormat: Map<DeviceFormat, DeviceRow[]> | undefined;

  constructor(opts: { db: Db; now?: () => number }) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.stmts = {
      get: this.db.prepare('SELECT node_id, format, topic, config FROM devices WHERE node_id = ?'),
      byTopic: this.db.prepare(
        'SELECT node_id, format, topic, config FROM devices WHERE format = ? AND topic = ?',
      ),
      list: this.db.prepare('SELECT node_id, format, topic, config FROM devices ORDER BY node_id'),
      insert: this.db.prepare(
        'INSERT INTO devices (node_id, format, topic, config, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      setConfig: this.db.prepare('UPDATE devices SET config = ? WHERE node_id = ?'),
      remove: this.db.prepare('DELETE FROM devices WHERE node_id = ?'),
    };
  }

  get(node: string): DeviceRow | undefined {
    let row = this.cache.get(node);
    if (row === undefined) {
      row = toRow(this.stmts.get.get(node) as RawRow | undefined) ?? null;
      // nodes that try to log in without existing must not grow the cache without bound
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(node, row);
    }
    return row ?? undefined;
  }

  invalidate(): void {
    this.cache.clear();
    this.byFormat = undefined;
  }

  /** The devices of one format (an external broker's ESPHome topics are matched against them). */
  ofFormat(format: DeviceFormat): DeviceRow[] {
    if (!this.byFormat) {
      this.byFormat = new Map();
      for (const d of this.list()) this.byFormat.set(d.format, [...(this.byFormat.get(d.format) ?? []), d]);
    }
    return this.byFormat.get(format) ?? [];
  }

  /** The non-native format of a node, or undefined for a native node (the common, fast case). */
  format(node: string): DeviceFormat | undefined {
    const row = this.get(node);
    return row && row.format !== 'native' ? row.format : undefined;
  }

  byTopic(format: DeviceFormat, topic: string): DeviceRow | undefined {
    return toRow(this.stmts.byTopic.get(format, topic) as RawRow | undefined);
  }

  list(): DeviceRow[] {
    return (this.stmts.list.all() as RawRow[]).map((r) => toRow(r) as DeviceRow);
  }

  add(d: {
    node: string;
    format: DeviceFormat;
    topic: string | null;
    sensors?: Record<string, SensorMapping>;
    timeZone?: string;
  }): void {
    if (d.topic && this.byTopic(d.format, d.topic)) {
      throw new Error(`another ${d.format} device already uses the topic "${d.topic}"`);
    }
    const config: DeviceConfig = {
      sensors: d.sensors ?? {},
      ignore: [],
      ...(d.timeZone ? { timeZone: d.timeZone } : {}),
    };
    this.stmts.insert.run(d.node, d.format, d.topic, JSON.stringify(config), this.now());
    this.cache.delete(d.node);
    this.byFormat = undefined;
  }

  /**
   * A node and its device row in one transaction (the registry's, once the secret is hashed);
   * returns the node's secret.
   */
  async addWithNode(
    registry: Registry,
    d: {
      node: { id: string; name?: string | undefined; household: string | null };
      device: Parameters<DeviceStore['add']>[0];
    },
  ): Promise<string> {
    const { secret } = await registry.addNode(d.node, { alongside: () => this.add(d.device) });
    return secret;
  }

  /**
   * Adds or replaces key mappings (from the console, or learned from a discovery message), and keys
   * to ignore; a key mapped again is no longer ignored, and the other way round.
   */
  mapSensors(node: string, sensors: Record<string, SensorMapping>, ignore: string[] = []): void {
    this.update(node, (c) => {
      const kept = Object.fromEntries(Object.entries(c.sensors).filter(([k]) => !ignore.includes(k)));
      const ignored = c.ignore.filter((k) => !(k in sensors) && !ignore.includes(k));
      return { ...c, sensors: { ...kept, ...sensors }, ignore: [...ignored, ...ignore] };
    });
  }

  /** ESPHome: the node name its discovery topics carry, when it differs from its topic prefix. */
  setNodeName(node: string, nodeName: string): void {
    if (this.get(node)?.config.nodeName === nodeName) return;
    this.update(node, (c) => ({ ...c, nodeName }));
  }

  private update(node: string, change: (c: DeviceConfig) => DeviceConfig): void {
    const row = this.get(node);
    if (!row) return;
    this.stmts.setConfig.run(JSON.stringify(change(row.config)), node);
    this.cache.delete(node);
    this.byFormat = undefined;
  }

  remove(node: string): void {
    this.stmts.remove.run(node);
    this.cache.delete(node);
    this.byFormat = undefined;
  }
}

function toRow(raw: RawRow | undefined): DeviceRow | undefined {
  if (!raw) return undefined;
  let config: DeviceConfig = { sensors: {}, ignore: [] };
  try {
    const parsed = DeviceConfig.safeParse(JSON.parse(raw.config));
    // a config edited by hand into something unreadable falls back to no mappings
    if (parsed.success) config = parsed.data;
  } catch {}
  return { node: raw.node_id, format: raw.format, topic: raw.topic, config };
}
