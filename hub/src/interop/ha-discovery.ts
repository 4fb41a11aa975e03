import { QUANTITIES, type Quantity } from '../../../protocol/index.ts';
import { neighbourhoodSlug } from '../../../protocol/interop/federation.ts';
import { HA_OFFLINE, HA_ONLINE } from '../../../protocol/interop/home-assistant.ts';
import { K_ANONYMITY } from '../collective.ts';
import type { LiveBus } from '../live-bus.ts';
import { LATE_MS, nodeState } from '../node-state.ts';
import { publicSensor } from '../privacy.ts';
import type { InteropFlags } from '../store/interop-flags.ts';
import type { Registry, SensorRow } from '../store/registry.ts';
import type { SettingsStore } from '../store/settings.ts';
import { HA_CLASSES } from './ha-classes.ts';
import {
  aggregateAvailabilityTopic,
  aggregateEntity,
  type Entity,
  type HubIdentity,
  hubAvailabilityTopic,
  nodeAvailabilityTopic,
  seriesEntity,
} from './ha-entities.ts';

/** Whatever carries the hub's own MQTT publishes: the embedded broker, or the external one. */
export interface Publisher {
  publish(topic: string, payload: string, opts?: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
}

export interface HaDiscoveryOptions {
  flags: InteropFlags;
  registry: Registry;
  bus: LiveBus;
  settings: SettingsStore;
  version: string;
  log: (line: string) => void;
  now?: () => number;
  /** how often node availability is checked against silence (a node goes late, then offline) */
  checkEveryMs?: number;
}

/** What Home Assistant would be shown: one series, or a figure made of several households. */
export type Shown = { kind: 'series'; sensor: SensorRow } | { kind: 'aggregate'; households: number };

/** A collective gauge stays available this long after its last figure that met the rule. */
const AGGREGATE_FRESH_MS = 3 * 60_000;
/** The collective energy total moves only in steps of 3+ households: its figures come sparser. */
const ENERGY_FRESH_MS = 15 * 60_000;

/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery),
 * opt-in with `ha discovery on`. Retained configs for the collective figures that meet the privacy
 * rule and for series of `community`/`open` households, never `private` ones: every such decision
 * goes through `shows`. Each entity is available while the hub and its node (or its figure) are. The
 * collective energy is a running total in kWh (`total_increasing`, for HA's Energy dashboard) that
 * moves only by increases whose households pass the same rule. Configs are published again when HA
 * says it is `online`.
 */
export class HaDiscovery {
  private readonly opts: HaDiscoveryOptions;
  private readonly now: () => number;
  private publisher: Publisher | undefined;
  private readonly published = new Set<string>();
  /** availability topic → the payload last published there */
  private readonly availability = new Map<string, string>();
  /** collective figures by quantity: when one last met the rule */
  private readonly figures = new Map<Quantity, number>();
  /** the collective energy: published total, and each household's increase waiting (Wh) */
  private readonly energy = { total: 0, pending: new Map<string, number>(), at: 0 };
  private unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private hubId: string | undefined;

  constructor(opts: HaDiscoveryOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.opts.flags.get('ha_discovery');
  }

  /**
   * The one privacy gate of what a resident's Home Assistant is shown: a series only if its household
   * shares it, a collective figure only if enough households make it.
   */
  shows(s: Shown): boolean {
    return s.kind === 'series' ? publicSensor(this.opts.registry, s.sensor) : s.households >= K_ANONYMITY;
  }

  async start(publisher: Publisher): Promise<void> {
    this.publisher = publisher;
    const { bus } = this.opts;
    this.unsubscribe = [
      bus.on('aggregate', (a) => {
        if (!this.shows({ kind: 'aggregate', households: a.households })) return;
        this.figures.set(a.quantity, this.now());
        void this.publishState(aggregateEntity(this.hub(), a.quantity), a.quantity, a.value);
      }),
      bus.on('reading', (r) => {
        if (r.quantity === 'energy') this.addEnergy(r.sensorId, r.value);
        // checked before building the entity: this runs for every stored reading
        if (!this.publisher || !this.enabled) return;
        const sensor = this.opts.registry.sensorById(r.sensorId);
        if (!sensor || !this.shows({ kind: 'series', sensor })) return;
        const counter = QUANTITIES[sensor.quantity].kind === 'counter';
        // HA wants the running total of a counter; the bus carries the stored delta
        const value = counter ? (sensor.last_total ?? 0) + sensor.meter_offset : r.value;
        void this.publishState(this.seriesEntity(sensor), sensor.quantity, value);
      }),
      bus.on('node', () => void this.refreshAvailability()),
    ];
    this.timer = setInterval(() => void this.refreshAvailability(), this.opts.checkEveryMs ?? LATE_MS / 4);
    this.timer.unref();
    if (this.enabled) await this.publishAll();
  }

  /** Says the hub is going away (HA marks every entity unavailable), then stops listening. */
  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    clearInterval(this.timer);
    if (this.enabled)
      await this.setAvailability(hubAvailabilityTopic(this.hub()), HA_OFFLINE).catch(() => {});
  }

  async setEnabled(on: boolean): Promise<void> {
    this.opts.flags.set('ha_discovery', on);
    if (on) await this.publishAll();
    else await this.removeAll();
  }

  /** `homeassistant/status`: HA restarted and lost what it knew (retained or not). */
  async onHaStatus(text: string): Promise<void> {
    if (text === 'online' && this.enabled) await this.publishAll();
  }

  /** Every entity the hub may show now: configs retained, so HA finds them whenever it connects. */
  entities(): Entity[] {
    const { registry } = this.opts;
    const now = this.now();
    const out: Entity[] = [];
    for (const [q, at] of [...this.figures].sort(([a], [b]) => a.localeCompare(b))) {
      if (now - at <= AGGREGATE_FRESH_MS) out.push(aggregateEntity(this.hub(), q));
    }
    if (this.energy.at > 0) out.push(aggregateEntity(this.hub(), 'energy'));
    for (const s of registry.allSensors()) {
      if (this.shows({ kind: 'series', sensor: s })) out.push(this.seriesEntity(s));
    }
    return out;
  }

  async publishAll(): Promise<void> {
    const entities = this.entities();
    const keep = new Set(entities.map((e) => e.configTopic));
    // a series whose household turned private since, a figure no longer met: withdrawn
    for (const topic of [...this.published]) if (!keep.has(topic)) await this.clear(topic);
    this.availability.clear();
    await this.setAvailability(hubAvailabilityTopic(this.hub()), HA_ONLINE);
    for (const e of entities) await this.send(e);
    await this.refreshAvailability();
    this.opts.log(`home assistant: ${entities.length} discovery config(s) published`);
  }

  private async removeAll(): Promise<void> {
    const topics = new Set([...this.published, ...this.entities().map((e) => e.configTopic)]);
    for (const topic of topics) await this.clear(topic);
    await this.setAvailability(hubAvailabilityTopic(this.hub()), HA_OFFLINE).catch(() => {});
  }

  /**
   * The collective energy: each household's stored increase waits until households enough have
   * one, so that no published step of the total is the increase of fewer than the rule allows. A
   * household whose increase is still zero (a meter's first reading) does not count as one.
   */
  private addEnergy(sensorId: number, wh: number): void {
    const household = this.opts.registry.householdOfSensor(sensorId);
    if (!household || wh <= 0) return;
    const e = this.energy;
    e.pending.set(household.id, (e.pending.get(household.id) ?? 0) + wh);
    if (!this.shows({ kind: 'aggregate', households: e.pending.size })) return;
    for (const increase of e.pending.values()) e.total += increase;
    e.pending.clear();
    e.at = this.now();
    void this.publishState(aggregateEntity(this.hub(), 'energy'), 'energy', e.total);
  }

  private async refreshAvailability(): Promise<void> {
    if (!this.publisher || !this.enabled) return;
    const hub = this.hub();
    const now = this.now();
    const nodes = new Set<string>();
    for (const s of this.opts.registry.allSensors())
      if (this.published.has(this.seriesEntity(s).configTopic)) nodes.add(s.node_id);
    for (const node of nodes) {
      const row = this.opts.registry.node(node);
      const state = row ? nodeState(row, now) : 'never';
      const up = state === 'online' || state === 'late';
      await this.setAvailability(nodeAvailabilityTopic(hub, node), up ? HA_ONLINE : HA_OFFLINE);
    }
    for (const [q, at] of this.figures) {
      const fresh = now - at <= AGGREGATE_FRESH_MS;
      await this.setAvailability(aggregateAvailabilityTopic(hub, q), fresh ? HA_ONLINE : HA_OFFLINE);
    }
    if (this.energy.at > 0) {
      const fresh = now - this.energy.at <= ENERGY_FRESH_MS;
      await this.setAvailability(aggregateAvailabilityTopic(hub, 'energy'), fresh ? HA_ONLINE : HA_OFFLINE);
    }
  }

  /** Publishes an availability payload (retained) when it changed. */
  private async setAvailability(topic: string, payload: string): Promise<void> {
    if (!this.publisher || this.availability.get(topic) === payload) return;
    this.availability.set(topic, payload);
    await this.publisher.publish(topic, payload, { retain: true, qos: 1 });
  }

  private async publishState(entity: Entity, quantity: Quantity, canonical: number): Promise<void> {
    if (!this.publisher || !this.enabled) return;
    if (!this.published.has(entity.configTopic)) {
      await this.send(entity);
      await this.refreshAvailability();
    }
    const ha = HA_CLASSES[quantity];
    const value = Number((canonical * ha.scale).toFixed(ha.precision + 2));
    // QoS 1 like the config: aedes drops a message to a subscriber once a later one reached it, and
    // a QoS 0 state (delivered at once) would overtake its QoS 1 config (stored first), which is lost
    await this.publisher
      .publish(entity.config.state_topic, String(value), { retain: true, qos: 1 })
      .catch(() => {});
  }

  private async send(e: Entity): Promise<void> {
    if (!this.publisher) return;
    await this.publisher.publish(e.configTopic, JSON.stringify(e.config), { retain: true, qos: 1 });
    this.published.add(e.configTopic);
  }

  private async clear(topic: string): Promise<void> {
    // an empty retained payload deletes the entity in HA and the retained message in the broker
    await this.publisher?.publish(topic, '', { retain: true, qos: 1 });
    this.published.delete(topic);
  }

  /** The hub as HA knows it: its id is chosen once, from the neighbourhood's name at that time. */
  private hub(): HubIdentity {
    const name = this.opts.settings.get().neighbourhood;
    this.hubId ??= this.opts.flags.keptName('ha_id', () => neighbourhoodSlug(name).replace(/-/g, '_'));
    return { id: this.hubId, name, version: this.opts.version };
  }

  private seriesEntity(s: SensorRow): Entity {
    const { registry } = this.opts;
    const node = registry.node(s.node_id);
    const siblings = registry.sensorsOf(s.node_id);
    return seriesEntity(
      this.hub(),
      s,
      { name: node?.name ?? s.node_id, board: node?.board ?? null },
      siblings,
    );
  }
}
