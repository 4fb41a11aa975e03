import type { MqttClient, connect as MqttConnect } from 'mqtt';
import type { LiveAggregate } from '../../../protocol/index.ts';
import {
  FEDERATION_ROOT,
  FederationAggregate,
  federationTopic,
  neighbourhoodSlug,
  parseFederationTopic,
} from '../../../protocol/interop/federation.ts';
import { parseJsonPayload } from '../ingest/payload.ts';
import { describeZodError, type Rejected } from '../ingest/validate.ts';
import type { LiveBus } from '../live-bus.ts';
import type { FederationStore, PeerRow } from '../store/federation-store.ts';
import type { SettingsStore } from '../store/settings.ts';
import type { Publisher } from './ha-discovery.ts';

export interface FederationOptions {
  store: FederationStore;
  bus: LiveBus;
  settings: SettingsStore;
  now?: () => number;
  log: (line: string) => void;
}

/**
 * Neighbourhood hubs share their collective aggregates, nothing else: the live figures the aggregate
 * privacy rule published (docs/PRIVACY.md); a withheld one empties the retained message. Each hub publishes its own,
 * retained, on `communs/v1/federation/<its neighbourhood>/<quantity>` on its broker, and opens a
 * link to each peer (`peer add`): it publishes its aggregates there and subscribes to theirs. What
 * arrives is checked (schema, k >= 3, topic matches the sender) and kept as the latest per quartier.
 */
export class Federation {
  private readonly opts: FederationOptions;
  private readonly now: () => number;
  private local: Publisher | undefined;
  private readonly links = new Map<string, MqttClient>();
  private unsubscribe: (() => void) | undefined;

  constructor(opts: FederationOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  async start(local: Publisher): Promise<void> {
    this.local = local;
    this.unsubscribe = this.opts.bus.on('aggregate', (a) => void this.share(a));
    await this.reload();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all([...this.links.values()].map((c) => c.endAsync(true).catch(() => {})));
    this.links.clear();
  }

  /** Opens links to peers added since, closes those removed. */
  async reload(): Promise<void> {
    const peers = this.opts.store.peers();
    for (const [name, client] of this.links) {
      if (!peers.some((p) => p.name === name)) {
        await client.endAsync(true).catch(() => {});
        this.links.delete(name);
      }
    }
    if (peers.every((p) => this.links.has(p.name))) return;
    // mqtt.js (~5 MB of RSS) is loaded only by a hub that has peers (docs/PERFORMANCE.md, memory)
    const { connect } = await import('mqtt');
    for (const p of peers) if (!this.links.has(p.name)) this.link(connect, p);
  }

  get slug(): string {
    return neighbourhoodSlug(this.opts.settings.get().neighbourhood);
  }

  /** An aggregate from a peer's link, a peer's login on our broker, or an external broker. */
  receive(topic: string, payload: Buffer, expected?: string): Rejected | undefined {
    const where = parseFederationTopic(topic);
    if (!where || where.neighbourhood === this.slug) return undefined;
    if (expected && where.neighbourhood !== expected) {
      return { reason: 'topic_denied', detail: `peer ${expected} may not speak for ${where.neighbourhood}` };
    }
    if (payload.length === 0) {
      // the peer withdrew its figure (withheld now, or a household it counted was erased)
      for (const n of this.opts.store.neighbours())
        if (neighbourhoodSlug(n.neighbourhood) === where.neighbourhood && n.quantity === where.quantity)
          this.opts.store.removeNeighbour(n.neighbourhood, n.quantity);
      return undefined;
    }
    const parsed = parseJsonPayload(payload);
    if (!parsed.ok) return { reason: 'bad_json', detail: parsed.detail };
    const agg = FederationAggregate.safeParse(parsed.value);
    if (!agg.success) return { reason: 'bad_schema', detail: describeZodError(agg.error) };
    if (
      neighbourhoodSlug(agg.data.neighbourhood) !== where.neighbourhood ||
      agg.data.quantity !== where.quantity
    ) {
      return { reason: 'bad_schema', detail: `topic ${topic} does not match the aggregate it carries` };
    }
    this.opts.store.saveNeighbour(agg.data, this.now());
    return undefined;
  }

  private async share(a: LiveAggregate): Promise<void> {
    const topic = federationTopic(this.slug, a.quantity);
    // a withheld or withdrawn figure: the retained one is emptied, peers stop showing it
    if (a.value === null || a.households === null) {
      await this.local?.publish(topic, '', { retain: true, qos: 1 }).catch(() => {});
      for (const client of this.links.values())
        if (client.connected) client.publish(topic, '', { retain: true, qos: 1 }, () => {});
      return;
    }
    const message: FederationAggregate = {
      v: 1,
      neighbourhood: this.opts.settings.get().neighbourhood,
      quantity: a.quantity,
      unit: a.unit,
      ts: a.ts,
      value: a.value,
      households: a.households,
    };
    const text = JSON.stringify(message);
    await this.local?.publish(topic, text, { retain: true, qos: 1 }).catch(() => {});
    for (const client of this.links.values()) {
      if (client.connected) client.publish(topic, text, { retain: true, qos: 1 }, () => {});
    }
  }

  private link(connect: typeof MqttConnect, p: PeerRow): void {
    const client = connect(p.url, {
      ...(p.username ? { username: p.username } : {}),
      ...(p.password ? { password: p.password } : {}),
      // a Communs hub accepts only "<login>" or "<login>:…" as client id (docs/PROTOCOL.md)
      clientId: `${p.username ?? `communs-${this.slug}`}:${Math.random().toString(16).slice(2, 8)}`.slice(
        0,
        64,
      ),
      reconnectPeriod: 5000,
      connectTimeout: 10_000,
    });
    client.on('connect', () => {
      this.opts.log(`federation: linked to peer ${p.name}`);
      client.subscribe(`${FEDERATION_ROOT}+/+`, { qos: 1 }, () => {});
    });
    client.on('message', (topic, payload) => {
      const refused = this.receive(topic, payload);
      if (refused) this.opts.log(`federation: refused from ${p.name}: ${refused.detail}`);
    });
    client.on('error', (err) => this.opts.log(`federation: peer ${p.name}: ${err.message}`));
    this.links.set(p.name, client);
  }
}
