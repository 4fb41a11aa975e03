import type { MqttClient } from 'mqtt';
import { parseNodeTopic } from '../../../protocol/index.ts';
import { FEDERATION_ROOT } from '../../../protocol/interop/federation.ts';
import { HA_PREFIX, HA_STATUS_TOPIC } from '../../../protocol/interop/home-assistant.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { nativeSubmission } from '../ingest/submission.ts';
import type { DeviceStore } from '../store/device-store.ts';
import type { Registry } from '../store/registry.ts';
import type { Publisher } from './ha-discovery.ts';
import type { InteropRouter } from './router.ts';

export interface ExternalBrokerOptions {
  url: string;
  username?: string;
  password?: string;
}

export interface ExternalIngestOptions extends ExternalBrokerOptions {
  clientId: string;
  registry: Registry;
  devices: DeviceStore;
  ingest: IngestPipeline;
  router: InteropRouter;
  onHaStatus: (text: string) => void;
  onFederation: (topic: string, payload: Buffer) => void;
  log: (line: string) => void;
}

/**
 * `communs hub --broker mqtt://...`: ingest as a client of an existing broker (Mosquitto, EMQX),
 * which then owns logins and ACLs (docs/INTEROP.md has a Mosquitto ACL file). A persistent session
 * (clean: false) keeps what arrives while the hub is down. A QoS 1 message is acknowledged to the
 * broker only after its commit, like on the embedded broker (MQTT 5 needed for that, see start); a
 * failed commit closes the connection so the broker delivers again. mqtt.js hands messages over one at a
 * time, so each is committed at once instead of waiting for the group-commit window.
 */
export class ExternalIngest implements Publisher {
  private readonly opts: ExternalIngestOptions;
  private client: MqttClient | undefined;

  constructor(opts: ExternalIngestOptions) {
    this.opts = opts;
  }

  async start(): Promise<void> {
    const { opts } = this;
    // mqtt.js (~5 MB of RSS) is loaded only by a hub that uses it (docs/PERFORMANCE.md, memory)
    const mqtt = await import('mqtt');
    this.client = await mqtt
      .connectAsync(opts.url, {
        clientId: opts.clientId,
        // mqtt.js lets the application delay a PUBACK (customHandleAcks) only on MQTT 5;
        // Mosquitto 2, EMQX and VerneMQ speak it. A session that outlives the connection needs
        // an expiry on MQTT 5 (a day of hub downtime is kept by the broker).
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 86_400 },
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        ...(opts.username ? { username: opts.username } : {}),
        ...(opts.password ? { password: opts.password } : {}),
        customHandleAcks: (topic, payload, _packet, ack) =>
          this.handle(topic, payload, (err) => (err ? ack(err) : ack(0))),
      })
      .catch((err: Error) => {
        // one line for `communs hub`: the cause and the flags that fix it
        throw new Error(
          `cannot use the broker ${opts.url} (${err.message}): start it, or check --broker, --broker-user and --broker-password`,
        );
      });
    // QoS 0 messages (Tasmota's and ESPHome's default) never pass through customHandleAcks
    this.client.on('message', (topic, payload, packet) => {
      if (packet.qos === 0) this.handle(topic, payload, () => {});
    });
    this.client.on('error', (err) => opts.log(`external broker: ${err.message}`));
    await this.client.subscribeAsync(this.filters());
    opts.log(`ingest attached to the external broker ${opts.url}`);
  }

  /** Subscribes to the topics of devices provisioned since start (ESPHome prefixes). */
  async resubscribe(): Promise<void> {
    await this.client?.subscribeAsync(this.filters());
  }

  async stop(): Promise<void> {
    await this.client?.endAsync().catch(() => {});
  }

  publish(topic: string, payload: string, opts: { retain?: boolean; qos?: 0 | 1 } = {}): Promise<void> {
    if (!this.client) return Promise.resolve();
    return this.client
      .publishAsync(topic, payload, { retain: opts.retain ?? false, qos: opts.qos ?? 0 })
      .then(() => {});
  }

  private filters(): Record<string, { qos: 1 }> {
    const list = [
      'communs/v1/nodes/+/+',
      'tele/+/+',
      'emon/#',
      HA_STATUS_TOPIC,
      `${HA_PREFIX}/sensor/+/+/config`,
      `${FEDERATION_ROOT}+/+`,
      // ESPHome devices publish under their own prefix: one subscription each
      ...this.opts.devices
        .list()
        .filter((d) => d.format === 'esphome' && d.topic)
        .map((d) => `${d.topic}/#`),
    ];
    return Object.fromEntries(list.map((f) => [f, { qos: 1 as const }]));
  }

  private handle(topic: string, payload: Buffer, done: (err?: Error) => void): void {
    const { registry, ingest, router } = this.opts;
    if (topic === HA_STATUS_TOPIC) {
      this.opts.onHaStatus(payload.toString('utf8').trim());
      return done();
    }
    if (topic.startsWith(FEDERATION_ROOT)) {
      this.opts.onFederation(topic, payload);
      return done();
    }
    const native = parseNodeTopic(topic);
    const device = native ? undefined : router.deviceForTopic(topic, payload);
    // topics of nodes this hub does not know are someone else's on a shared broker: not ours to store
    if (native && registry.node(native.node) && !router.handles(native.node)) {
      ingest.submit(nativeSubmission(native.node, native.channel, payload), done);
    } else if (device) {
      router.route(device, topic, payload, done);
    } else return done();
    ingest.committer.flush();
  }
}
