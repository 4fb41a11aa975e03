import type { NeighboursBody } from '../../../protocol/interop/federation.ts';
import type { LoginThrottle } from '../broker/login-throttle.ts';
import { sendJson } from '../http/respond.ts';
import type { HttpApi } from '../http/server.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { LiveBus } from '../live-bus.ts';
import type { DeviceStore } from '../store/device-store.ts';
import type { FederationStore } from '../store/federation-store.ts';
import type { Store } from '../store/store.ts';
import { airrohrRoute } from './airrohr-route.ts';
import { counterEvents } from './counter-events-route.ts';
import { type ExternalBrokerOptions, ExternalIngest } from './external-broker.ts';
import { Federation } from './federation.ts';
import { HaDiscovery, type Publisher } from './ha-discovery.ts';
import { InteropRouter } from './router.ts';

export interface InteropOptions {
  store: Store;
  ingest: IngestPipeline;
  bus: LiveBus;
  http: HttpApi;
  /** the hub's one throttle of failed logins, shared with MQTT */
  throttle: LoginThrottle;
  version: string;
  /** set: ingest attaches to this broker instead of the embedded one */
  externalBroker?: ExternalBrokerOptions;
  /** the hub's clock */
  now?: () => number;
  log: (line: string) => void;
}

/** What the console may ask of the running hub's interop (absent when the console runs offline). */
export interface InteropControl {
  setDiscovery(on: boolean): Promise<void>;
  peersChanged(): Promise<void>;
  devicesChanged(): Promise<void>;
}

/**
 * The interop room, wired in one place: foreign devices through the router, the airrohr
 * endpoint, Home Assistant discovery, federation with peer hubs, and the external broker mode.
 */
export class Interop implements InteropControl {
  readonly devices: DeviceStore;
  readonly federationStore: FederationStore;
  readonly router: InteropRouter;
  readonly discovery: HaDiscovery;
  readonly federation: Federation;
  external: ExternalIngest | undefined;
  private readonly opts: InteropOptions;

  constructor(opts: InteropOptions) {
    this.opts = opts;
    const { store, bus, log } = opts;
    const { registry, settings } = store;
    this.devices = store.devices;
    this.federationStore = store.federation;
    this.discovery = new HaDiscovery({
      flags: store.flags,
      figures: store.series.ledger,
      registry,
      bus,
      settings,
      version: opts.version,
      log,
      ...(opts.now ? { now: opts.now } : {}),
    });
    this.federation = new Federation({ store: this.federationStore, bus, settings, log });
    this.router = new InteropRouter({
      devices: this.devices,
      registry,
      submit: (submission, done) => opts.ingest.submit(submission, done),
      timeZone: () => settings.get().timeZone,
      ...(opts.now ? { now: opts.now } : {}),
      onHaStatus: (text) => void this.discovery.onHaStatus(text),
      onFederation: (node, topic, payload) =>
        this.federation.receive(topic, payload, this.devices.get(node)?.topic ?? undefined),
    });
    opts.http.route(
      'POST',
      '/data.php',
      airrohrRoute({ devices: this.devices, registry, router: this.router, throttle: opts.throttle }),
    );
    opts.http.route('GET', '/api/neighbours', (_req, res) => sendJson(res, 200, this.neighbours()));
    opts.http.route('GET', '/api/counter-events', (_req, res, url) =>
      sendJson(res, 200, counterEvents(store, url.searchParams)),
    );
  }

  /** Starts publishing through the embedded broker, or attaches to the external one. */
  async start(embedded: Publisher | undefined): Promise<void> {
    const { externalBroker, ingest, log } = this.opts;
    const { registry } = this.opts.store;
    let publisher = embedded;
    if (externalBroker) {
      this.external = new ExternalIngest({
        ...externalBroker,
        clientId: `communs-hub-${this.federation.slug}`.slice(0, 64),
        registry,
        devices: this.devices,
        ingest,
        router: this.router,
        onHaStatus: (text) => void this.discovery.onHaStatus(text),
        onFederation: (topic, payload) => void this.federation.receive(topic, payload),
        log,
      });
      await this.external.start();
      publisher = this.external;
    }
    if (!publisher) return;
    await this.discovery.start(publisher);
    await this.federation.start(publisher);
  }

  async stop(): Promise<void> {
    await this.discovery.stop();
    await this.federation.stop();
    await this.external?.stop();
  }

  setDiscovery(on: boolean): Promise<void> {
    return this.discovery.setEnabled(on);
  }

  peersChanged(): Promise<void> {
    return this.federation.reload();
  }

  async devicesChanged(): Promise<void> {
    this.devices.invalidate();
    await this.external?.resubscribe();
  }

  neighbours(): NeighboursBody {
    const byHood = new Map<string, NeighboursBody['neighbourhoods'][number]>();
    for (const a of this.federationStore.neighbours()) {
      const entry = byHood.get(a.neighbourhood) ?? { neighbourhood: a.neighbourhood, aggregates: [] };
      entry.aggregates.push(a);
      byHood.set(a.neighbourhood, entry);
    }
    return { status: 'ok', neighbourhoods: [...byHood.values()] };
  }
}
