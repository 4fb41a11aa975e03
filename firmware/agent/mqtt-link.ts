import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { type MetaMessage, type Reading, type StatusMessage, topics } from '../../protocol/index.ts';
import { Backoff } from './backoff.ts';

export interface MqttLinkOptions {
  url: string;
  node: string;
  secret: string;
  /** the self-description, published (retained) on every connect before any reading */
  meta: () => MetaMessage;
  /** the node's current status, published retained on connect and every `statusEveryMs` */
  status: () => StatusMessage;
  statusEveryMs?: number;
  backoff?: Backoff;
  /** retries after the hub refused the credentials (a secret does not fix itself) */
  refusedBackoff?: Backoff;
  /** how long the hub has to answer a connection (default 10 s); then the link tries again */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * The node's MQTT session with the hub (mqtt 5): username = node id, password = its secret, the last
 * will `{"state":"offline"}` retained on the status topic. On every connect it publishes meta and
 * status and waits for their acknowledgement, so the hub knows every sensor before the first reading
 * (it rejects readings of undeclared sensors). It reconnects by itself with backoff; `online` and
 * `offline` events tell the forwarder when it may send.
 */
export class MqttLink extends EventEmitter {
  private client: MqttClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private announced = false;
  private readonly backoff: Backoff;
  private reportedDown = false;
  private lastError: string | undefined;
  /** the hub refused the credentials: retrying soon cannot help, and would count as an attack */
  private refused = false;
  private readonly refusedBackoff: Backoff;

  constructor(private readonly opts: MqttLinkOptions) {
    super();
    this.backoff = opts.backoff ?? new Backoff({ initialMs: 500, maxMs: 30_000 });
    this.refusedBackoff = opts.refusedBackoff ?? new Backoff({ initialMs: 60_000, maxMs: 15 * 60_000 });
  }

  /** True once meta and status are acknowledged on the current connection. */
  get online(): boolean {
    return this.announced && this.client?.connected === true;
  }

  start(): void {
    const { node, secret } = this.opts;
    const client = mqtt.connect(this.opts.url, {
      clientId: node,
      username: node,
      password: secret,
      clean: true,
      keepalive: 30,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      // we reconnect ourselves, with backoff and jitter
      reconnectPeriod: 0,
      queueQoSZero: false,
      will: { topic: topics.status(node), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => void this.announce(client));
    client.on('close', () => this.onClose());
    client.on('error', (err) => this.onError(err as Error & { code?: number | string }));
    this.statusTimer = setInterval(() => {
      if (this.online) void this.publishStatus().catch(() => undefined);
    }, this.opts.statusEveryMs ?? 60_000);
    this.statusTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    clearInterval(this.statusTimer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      // a clean goodbye: the will is not sent on a normal disconnect, so say offline ourselves
      const offline: StatusMessage = { ...this.opts.status(), state: 'offline', ts: Date.now() };
      await withinMs(STOP_WAIT_MS, this.publishJson(topics.status(this.opts.node), offline, true));
    }
    // a hub that no longer answers must not keep the agent from stopping: then end by force
    if (!(await withinMs(STOP_WAIT_MS, client.endAsync())))
      await client.endAsync(true).catch(() => undefined);
  }

  /** Publishes one batch of readings with QoS 1; resolves on the hub's acknowledgement. */
  publishReadings(readings: Reading[]): Promise<void> {
    return this.publishJson(topics.readings(this.opts.node), { readings }, false);
  }

  publishStatus(): Promise<void> {
    return this.publishJson(topics.status(this.opts.node), this.opts.status(), true);
  }

  /** Publishes the self-description again (the board's firmware became known, a meter's new register). */
  publishMeta(): Promise<void> {
    return this.publishJson(topics.meta(this.opts.node), this.opts.meta(), true);
  }

  private async announce(client: MqttClient): Promise<void> {
    try {
      await this.publishMeta();
      await this.publishStatus();
    } catch (err) {
      this.log(`hub: could not announce the node (${(err as Error).message})`);
      return;
    }
    if (client !== this.client || !client.connected) return;
    this.backoff.reset();
    this.refusedBackoff.reset();
    this.refused = false;
    this.lastError = undefined;
    if (this.reportedDown) this.log(`hub: connected again to ${this.opts.url}`);
    this.reportedDown = false;
    this.announced = true;
    this.emit('online');
  }

  private onClose(): void {
    const was = this.announced;
    this.announced = false;
    if (was) this.emit('offline');
    if (this.stopping) return;
    // a refusal was said in its own line: the hub is reachable, it said no
    const delay = this.refused ? this.refusedBackoff.next() : this.backoff.next();
    if (!this.reportedDown && !this.refused) {
      this.log(`hub: not reachable at ${this.opts.url}; readings are kept on disk, retrying with backoff`);
      this.reportedDown = true;
    }
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (!this.stopping) this.client?.reconnect();
    }, delay);
    this.retry.unref?.();
  }

  /** One line per distinct problem, not one per reconnect attempt. */
  private onError(err: Error & { code?: number | string }): void {
    this.refused = err.code === 4 || err.code === 5;
    const line = this.refused
      ? `hub: the hub refused this node's credentials (${err.message}) — check "node" and "secret" in the config (a new one: "node rotate ${this.opts.node}" on the hub's console); readings are kept on disk, next retry in a minute, then less often`
      : `hub: ${err.message}`;
    if (line === this.lastError) return;
    this.lastError = line;
    this.log(line);
  }

  private async publishJson(topic: string, body: unknown, retain: boolean): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error('not connected');
    await client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}

/** How long stop() waits for the hub's acknowledgements before it ends the connection by force. */
const STOP_WAIT_MS = 3000;

/** Resolves true when `p` settles within `ms`, false otherwise (never rejects). */
function withinMs(ms: number, p: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
