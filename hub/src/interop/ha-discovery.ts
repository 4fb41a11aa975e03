import { QUANTITIES, type Quantity } from '../../../protocol/index.ts';
import { neighbourhoodSlug } from '../../../protocol/interop/federation.ts';
import { HA_PREFIX, HA_STATE_ROOT, type HaSensorConfig } from '../../../protocol/interop/home-assistant.ts';
import type { LiveBus } from '../live-bus.ts';
import { publicSensor } from '../privacy.ts';
import type { InteropFlags } from '../store/interop-flags.ts';
import type { Registry, SensorRow } from '../store/registry.ts';
import type { SettingsStore } from '../store/settings.ts';
import { HA_CLASSES } from './ha-classes.ts';

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
}

interface Entity {
  configTopic: string;
  config: HaSensorConfig;
}

/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery),
 * opt-in with `ha discovery on`. Retained configs for the collective figures (their states are what
 * the aggregate privacy rule published: docs/PRIVACY.md) and for series of `community`/`open`
 * households; never for `private` ones, and emptied when a household is erased or turns private. Configs are published again when HA says it is `online`.
 */
export class HaDiscovery {
  private readonly opts: HaDiscoveryOptions;
  private publisher: Publisher | undefined;
  private readonly published = new Set<string>();
  private unsubscribe: Array<() => void> = [];

  constructor(opts: HaDiscoveryOptions) {
    this.opts = opts;
  }

  get enabled(): boolean {
    return this.opts.flags.get('ha_discovery');
  }

  async start(publisher: Publisher): Promise<void> {
    this.publisher = publisher;
    const { bus } = this.opts;
    this.unsubscribe = [
      // collective figures as the privacy rule published them; a withheld one is "None" (unknown in HA)
      bus.on(
        'aggregate',
        (a) => void this.publishState(this.aggregateEntity(a.quantity), a.quantity, a.value),
      ),
      bus.on('reading', (r) => {
        // checked before building the entity: this runs for every stored reading
        if (!this.publisher || !this.enabled) return;
        const sensor = this.opts.registry.sensorById(r.sensorId);
        if (!sensor || !publicSensor(this.opts.registry, sensor)) return;
        const counter = QUANTITIES[sensor.quantity].kind === 'counter';
        // HA wants the running total of a counter; the bus carries the stored delta
        const value = counter ? (sensor.last_total ?? 0) + sensor.meter_offset : r.value;
        void this.publishState(this.seriesEntity(sensor), sensor.quantity, value);
      }),
    ];
    if (this.enabled) await this.publishAll();
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
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

  /** Every entity the hub may show: configs retained, so HA finds them whenever it connects. */
  entities(): Entity[] {
    const { registry } = this.opts;
    const sensors = registry.allSensors();
    const quantities = new Set<Quantity>();
    const out: Entity[] = [];
    for (const s of sensors) {
      if (QUANTITIES[s.quantity].kind === 'gauge' && registry.householdOfSensor(s.id))
        quantities.add(s.quantity);
      if (publicSensor(registry, s)) out.push(this.seriesEntity(s));
    }
    return [...[...quantities].sort().map((q) => this.aggregateEntity(q)), ...out];
  }

  async publishAll(): Promise<void> {
    const entities = this.entities();
    const keep = new Set(entities.map((e) => e.configTopic));
    // a series whose household turned private since: its config is withdrawn
    for (const topic of [...this.published]) if (!keep.has(topic)) await this.clear(topic);
    for (const e of entities) await this.send(e);
    this.opts.log(`home assistant: ${entities.length} discovery config(s) published`);
  }

  private async removeAll(): Promise<void> {
    const topics = new Set([...this.published, ...this.entities().map((e) => e.configTopic)]);
    for (const topic of topics) await this.clear(topic);
  }

  private async publishState(entity: Entity, quantity: Quantity, canonical: number | null): Promise<void> {
    if (!this.publisher || !this.enabled) return;
    if (!this.published.has(entity.configTopic)) await this.send(entity);
    const ha = HA_CLASSES[quantity];
    const value =
      canonical === null ? 'None' : String(Number((canonical * ha.scale).toFixed(ha.precision + 2)));
    await this.publisher.publish(entity.config.state_topic, value, { retain: true }).catch(() => {});
  }

  /**
   * A household erased or no longer sharing: the retained configs and states of its series are
   * emptied (HA removes the entities, the broker forgets the values). Returns how many topics.
   */
  async withdraw(series: readonly { node: string; sensor: string }[]): Promise<number> {
    if (!this.publisher) return 0;
    let n = 0;
    for (const s of series) {
      const { configTopic, stateTopic } = this.seriesTopics(s.node, s.sensor);
      await this.clear(configTopic);
      await this.publisher.publish(stateTopic, '', { retain: true, qos: 1 }).catch(() => {});
      n += 2;
    }
    return n;
  }

  private seriesTopics(
    node: string,
    sensor: string,
  ): { id: string; configTopic: string; stateTopic: string } {
    const { slug } = this.hood();
    const id = `communs_${slug}_${`${node}_${sensor}`.replace(/-/g, '_')}`;
    return {
      id,
      configTopic: `${HA_PREFIX}/sensor/${id}/config`,
      stateTopic: `${HA_STATE_ROOT}${slug}/${node}/${sensor}`,
    };
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

  private hood(): { slug: string; name: string } {
    const name = this.opts.settings.get().neighbourhood;
    return { slug: neighbourhoodSlug(name).replace(/-/g, '_'), name };
  }

  private aggregateEntity(q: Quantity): Entity {
    const { slug, name } = this.hood();
    const id = `communs_${slug}_collective_${q}`;
    return this.entity(
      id,
      `Collective ${q.replace('_', ' ')}`,
      q,
      `${HA_STATE_ROOT}${slug}/collective/${q}`,
      {
        identifiers: [`communs_${slug}`],
        name: `Communs ${name}`,
        model: 'Neighbourhood hub (collective figures, 3+ households)',
      },
    );
  }

  private seriesEntity(s: SensorRow): Entity {
    const { slug } = this.hood();
    const node = this.opts.registry.node(s.node_id);
    const topics = this.seriesTopics(s.node_id, s.sensor);
    return this.entity(
      topics.id,
      s.label ?? `${s.sensor} (${s.quantity.replace('_', ' ')})`,
      s.quantity,
      topics.stateTopic,
      {
        identifiers: [`communs_${slug}_${s.node_id.replace(/-/g, '_')}`],
        name: node?.name ?? s.node_id,
        model: node?.board ?? 'node',
        via_device: `communs_${slug}`,
      },
    );
  }

  private entity(
    id: string,
    name: string,
    q: Quantity,
    stateTopic: string,
    device: { identifiers: string[]; name: string; model: string; via_device?: string },
  ): Entity {
    const ha = HA_CLASSES[q];
    const config: HaSensorConfig = {
      name,
      unique_id: id,
      object_id: id,
      state_topic: stateTopic,
      state_class: ha.stateClass,
      suggested_display_precision: ha.precision,
      ...(ha.unit ? { unit_of_measurement: ha.unit } : {}),
      ...(ha.deviceClass ? { device_class: ha.deviceClass } : {}),
      device: { ...device, manufacturer: 'Communs', sw_version: this.opts.version },
      origin: { name: 'Communs', sw_version: this.opts.version },
    };
    return { configTopic: `${HA_PREFIX}/sensor/${id}/config`, config };
  }
}
