import { type LiveAggregate, QUANTITIES, type Quantity } from '../../../protocol/index.ts';
import { neighbourhoodSlug } from '../../../protocol/interop/federation.ts';
import { HA_OFFLINE, HA_ONLINE } from '../../../protocol/interop/home-assistant.ts';
import type { LiveBus, LiveEvents } from '../live-bus.ts';
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
  seriesTopics,
  signalEntity,
} from './ha-entities.ts';

/** Whatever carries the hub's own MQTT publishes: the embedded broker, or the external one. */
export interface Publisher {
  publish(topic: string, payload: string, opts?: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
}

/** The collective figures as the aggregate privacy rule published them (docs/PRIVACY.md). */
export interface PublishedFigures {
  rows(
    quantity: Quantity,
    period: number,
    from: number,
    to: number,
  ): Array<{ start: number; value: number | null }>;
}

export interface HaDiscoveryOptions {
  flags: InteropFlags;
  /** where the collective energy's published hours are read */
  figures: PublishedFigures;
  registry: Registry;
  bus: LiveBus;
  settings: SettingsStore;
  version: string;
  log: (line: string) => void;
  now?: () => number;
  /** how often node availability is checked against silence (a node goes late, then offline) */
  checkEveryMs?: number;
}

/** What Home Assistant would be shown: one series, or a collective figure as the rule decided it. */
export type Shown = { kind: 'series'; sensor: SensorRow } | { kind: 'aggregate'; figure: LiveAggregate };

/** A collective gauge stays available this long after its last published figure. */
const AGGREGATE_FRESH_MS = 3 * 60_000;
/** Energy's collective figure is decided by the hour (hub/src/privacy/collective-publisher.ts). */
const HOUR = 3_600_000;

/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery),
 * opt-in with `ha discovery on`. Retained configs for the collective figures the aggregate privacy
 * rule published (docs/PRIVACY.md) and for series of `community`/`open` households, never `private`
 * ones: every such decision goes through `shows`. Each entity is available while the hub and its node
 * (or its figure) are; a withheld figure is `None` (unknown in HA) and unavailable. The collective
 * energy is a running total in kWh (`total_increasing`, for HA's Energy dashboard): the sum of the
 * hours the rule published. Configs are published again when HA says it is `online`, and emptied when
 * a household is erased or turns private (`withdraw`).
 */
export class HaDiscovery {
  private readonly opts: HaDiscoveryOptions;
  private readonly now: () => number;
  private publisher: Publisher | undefined;
  private readonly published = new Set<string>();
  /** nodes with at least one series entity published: their availability is kept */
  private readonly shownNodes = new Set<string>();
  /** availability topic → the payload last published there */
  private readonly availability = new Map<string, string>();
  /**
   * collective figures ever published since start, by quantity: when last, the value (null while
   * withheld), sent again with the configs when discovery is turned on or HA comes back
   */
  private readonly figures = new Map<Quantity, { at: number; value: number | null }>();
  /** the collective energy: the sum of the published hours (Wh), once there is one */
  private energyTotal: number | undefined;
  private unsubscribe: Array<() => void> = [];
  /** the bus listener of stored readings, there while discovery is on */
  private stopReadings: (() => void) | undefined;
  private started = false;
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
   * shares it, a collective figure only as the aggregate rule published it (withheld: no value).
   */
  shows(s: Shown): boolean {
    return s.kind === 'series' ? publicSensor(this.opts.registry, s.sensor) : s.figure.value !== null;
  }

  async start(publisher: Publisher): Promise<void> {
    this.publisher = publisher;
    const { bus } = this.opts;
    this.unsubscribe = [
      bus.on('aggregate', (a) => {
        const entity = aggregateEntity(this.hub(), a.quantity);
        const shown = this.shows({ kind: 'aggregate', figure: a });
        const known = this.figures.get(a.quantity);
        // a figure never published gets no config; one withheld since is "None" (unknown in HA)
        if (!shown && !known) return;
        this.figures.set(a.quantity, {
          at: shown ? this.now() : (known?.at ?? 0),
          value: shown ? a.value : null,
        });
        void this.publishState(entity, a.quantity, shown ? a.value : null).then(() =>
          this.refreshAvailability(),
        );
      }),
      bus.on('node', (n) => {
        if (this.shownNodes.has(n.id)) void this.refreshNode(this.hub(), n.id);
      }),
    ];
    this.started = true;
    this.followReadings(this.enabled);
    this.timer = setInterval(() => void this.refresh(), this.opts.checkEveryMs ?? LATE_MS / 4);
    this.timer.unref();
    if (this.enabled) await this.publishAll();
  }

  /**
   * Listens to stored readings only while discovery is on: a listener on the bus makes ingest build
   * a live event for every reading it stores (hub/src/ingest/pipeline.ts).
   */
  private followReadings(on: boolean): void {
    if (on && !this.stopReadings) this.stopReadings = this.opts.bus.on('reading', (r) => this.onReading(r));
    if (!on && this.stopReadings) {
      this.stopReadings();
      this.stopReadings = undefined;
    }
  }

  private onReading(r: LiveEvents['reading']): void {
    if (!this.publisher || !this.enabled) return;
    const sensor = this.opts.registry.sensorById(r.sensorId);
    if (!sensor || !this.shows({ kind: 'series', sensor })) return;
    const counter = QUANTITIES[sensor.quantity].kind === 'counter';
    // HA wants the running total of a counter; the bus carries the stored delta
    const value = counter ? (sensor.last_total ?? 0) + sensor.meter_offset : r.value;
    // the full entity (names of all the node's sensors) is built only for a config not yet sent
    const topics = seriesTopics(this.hub(), sensor.node_id, sensor.sensor);
    const entity = this.published.has(topics.configTopic)
      ? { configTopic: topics.configTopic, state_topic: topics.stateTopic }
      : this.seriesEntity(sensor);
    void this.publishState(entity, sensor.quantity, value);
  }

  /** Says the hub is going away (HA marks every entity unavailable), then stops listening. */
  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.started = false;
    this.followReadings(false);
    clearInterval(this.timer);
    if (this.enabled)
      await this.setAvailability(hubAvailabilityTopic(this.hub()), HA_OFFLINE).catch(() => {});
  }

  async setEnabled(on: boolean): Promise<void> {
    this.opts.flags.set('ha_discovery', on);
    if (this.started) this.followReadings(on);
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
    const out: Entity[] = [signalEntity(this.hub())];
    for (const q of [...this.figures.keys()].sort()) out.push(aggregateEntity(this.hub(), q));
    if (this.energyTotal !== undefined) out.push(aggregateEntity(this.hub(), 'energy'));
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
    // the figures' states as last decided: discovery turned on mid-minute has them without waiting
    for (const [q, f] of this.figures) await this.publishState(aggregateEntity(this.hub(), q), q, f.value);
    await this.refreshAvailability();
    this.opts.log(`home assistant: ${entities.length} discovery config(s) published`);
  }

  private async removeAll(): Promise<void> {
    const topics = new Set([...this.published, ...this.entities().map((e) => e.configTopic)]);
    for (const topic of topics) await this.clear(topic);
    await this.setAvailability(hubAvailabilityTopic(this.hub()), HA_OFFLINE).catch(() => {});
  }

  /** The periodic check: the collective energy's newly published hours, then availability. */
  private async refresh(): Promise<void> {
    await this.refreshEnergy();
    await this.refreshAvailability();
  }

  /**
   * The collective energy as the sum of the hours the aggregate rule published. A published hour is
   * never written again and a withheld one may only be published later, so the sum only grows.
   */
  private async refreshEnergy(): Promise<void> {
    if (!this.publisher || !this.enabled) return;
    const hours = this.opts.figures.rows('energy', HOUR, 0, this.now());
    const published = hours.filter((h) => h.value !== null);
    if (published.length === 0) return;
    const total = published.reduce((sum, h) => sum + (h.value ?? 0), 0);
    if (total === this.energyTotal) return;
    this.energyTotal = total;
    await this.publishState(aggregateEntity(this.hub(), 'energy'), 'energy', total);
  }

  /**
   * A household erased or no longer sharing: the retained configs and states of its series are
   * emptied (HA removes the entities, the broker forgets the values). Returns how many topics.
   */
  async withdraw(series: readonly { node: string; sensor: string }[]): Promise<number> {
    if (!this.publisher) return 0;
    const hub = this.hub();
    let n = 0;
    for (const s of series) {
      const { configTopic, stateTopic } = seriesTopics(hub, s.node, s.sensor);
      await this.clear(configTopic);
      await this.publisher.publish(stateTopic, '', { retain: true, qos: 1 }).catch(() => {});
      n += 2;
    }
    // and whether its nodes are online: nothing of the household stays retained
    for (const node of new Set(series.map((s) => s.node))) {
      const topic = nodeAvailabilityTopic(hub, node);
      this.availability.delete(topic);
      this.shownNodes.delete(node);
      await this.publisher.publish(topic, '', { retain: true, qos: 1 }).catch(() => {});
      n += 1;
    }
    return n;
  }

  private async refreshAvailability(): Promise<void> {
    if (!this.publisher || !this.enabled) return;
    const hub = this.hub();
    const now = this.now();
    for (const node of this.shownNodes) await this.refreshNode(hub, node);
    for (const [q, f] of this.figures) {
      const fresh = f.value !== null && now - f.at <= AGGREGATE_FRESH_MS;
      await this.setAvailability(aggregateAvailabilityTopic(hub, q), fresh ? HA_ONLINE : HA_OFFLINE);
    }
    // a running total stays true between the hours it moves
    if (this.energyTotal !== undefined)
      await this.setAvailability(aggregateAvailabilityTopic(hub, 'energy'), HA_ONLINE);
  }

  /** A node is available while online or late; offline after its will or 15 minutes of silence. */
  private async refreshNode(hub: HubIdentity, node: string): Promise<void> {
    const row = this.opts.registry.node(node);
    const state = row ? nodeState(row, this.now()) : 'never';
    const up = state === 'online' || state === 'late';
    await this.setAvailability(nodeAvailabilityTopic(hub, node), up ? HA_ONLINE : HA_OFFLINE);
  }

  /** Publishes an availability payload (retained) when it changed. */
  private async setAvailability(topic: string, payload: string): Promise<void> {
    if (!this.publisher || this.availability.get(topic) === payload) return;
    this.availability.set(topic, payload);
    await this.publisher.publish(topic, payload, { retain: true, qos: 1 });
  }

  private async publishState(
    entity: Entity | { configTopic: string; state_topic: string },
    quantity: Quantity,
    canonical: number | null,
  ): Promise<void> {
    if (!this.publisher || !this.enabled) return;
    if ('config' in entity && !this.published.has(entity.configTopic)) {
      await this.send(entity);
      await this.refreshAvailability();
    }
    const stateTopic = 'config' in entity ? entity.config.state_topic : entity.state_topic;
    const ha = HA_CLASSES[quantity];
    const value =
      canonical === null ? 'None' : String(Number((canonical * ha.scale).toFixed(ha.precision + 2)));
    // QoS 1 like the config: aedes drops a message to a subscriber once a later one reached it, and
    // a QoS 0 state (delivered at once) would overtake its QoS 1 config (stored first), which is lost
    await this.publisher.publish(stateTopic, value, { retain: true, qos: 1 }).catch(() => {});
  }

  private async send(e: Entity): Promise<void> {
    if (!this.publisher) return;
    await this.publisher.publish(e.configTopic, JSON.stringify(e.config), { retain: true, qos: 1 });
    this.published.add(e.configTopic);
    if (e.node) this.shownNodes.add(e.node);
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
