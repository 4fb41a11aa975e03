import type { Server as HttpServer } from 'node:http';
import net from 'node:net';
import { Aedes, type Client, type PublishPacket, type Subscription } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { parseNodeTopic } from '../../../protocol/index.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { nativeSubmission } from '../ingest/submission.ts';
import { asLog } from '../log.ts';
import type { Registry } from '../store/registry.ts';
import { ScryptBusy } from '../store/scrypt-queue.ts';
import { mayPublish, maySubscribe } from './acl.ts';
import { clientIdAllowed, clientIdHint } from './client-id.ts';
import { ReadingsFastPath } from './fast-path.ts';
import { MqttGuard } from './guard.ts';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';

export interface BrokerOptions {
  registry: Registry;
  ingest: IngestPipeline;
  host: string;
  port: number;
  /** the HTTP server on which MQTT over WebSocket is served at /mqtt */
  httpServer?: HttpServer;
  /** the `Host` names the HTTP server answers to (hub/src/http/host-check.ts); others get 421 */
  allowHost?: (host: string | undefined) => boolean;
  maxConnections?: number;
  maxPacketBytes?: number;
  /** subscriptions one client may hold (default 100); more get SUBACK 0x80 */
  maxSubscriptionsPerClient?: number;
  /** the hub's one throttle of failed logins, shared with POST /data.php */
  throttle?: LoginThrottle;
  loginThrottle?: LoginThrottleOptions;
  log: (line: string) => void;
  /** foreign devices (Tasmota, ESPHome, ...): their topics and ACL, decided outside the broker */
  topicRouter?: TopicRouter;
  /** false: native readings go through aedes too (hub/src/broker/fast-path.ts; default true) */
  fastPath?: boolean;
}

/** Takes over the publishes and subscriptions of the nodes it `handles` (hub/src/interop/router.ts). */
export interface TopicRouter {
  handles(node: string): boolean;
  maySubscribe(node: string, filter: string): boolean;
  publish(node: string, topic: string, payload: Buffer, done: (err?: Error) => void): void;
  /** false: a message under a subscription the node may hold is still not delivered to it */
  mayReceive(node: string, topic: string): boolean;
}

export interface BrokerCounters {
  connections: number;
  refusedLogins: number;
  /** CONNECTs refused with CONNACK 2: a client id that is not the node's (client-id.ts) */
  refusedClientIds: number;
  guardRejections: number;
  deniedTopics: number;
  /** SUBSCRIBE filters refused because the client held `maxSubscriptionsPerClient` already */
  refusedSubscriptions: number;
}

/** The node id a client logged in as; set by `authenticate`. */
const NODE = Symbol('communs-node');
/** The CONNECT carried no client id (aedes made one up); set by `preConnect`. */
const ASSIGNED_ID = Symbol('communs-assigned-id');
/** The filters a client holds (granted by `authorizeSubscribe`, less those it unsubscribed). */
const FILTERS = Symbol('communs-filters');
type NodeClient = Client & { [NODE]?: string; [ASSIGNED_ID]?: boolean; [FILTERS]?: Set<string> };

/**
 * The embedded aedes broker, on TCP and on WebSocket (`/mqtt` on the HTTP port), each connection
 * behind the guard. Only nodes with a valid secret get in; their publishes on their own subtree go
 * to the ingest pipeline, whose callback is what acknowledges them.
 */
export class Broker {
  private readonly opts: BrokerOptions;
  aedes!: Aedes;
  private server: net.Server | undefined;
  private wss: WebSocketServer | undefined;
  readonly counters: BrokerCounters = {
    connections: 0,
    refusedLogins: 0,
    refusedClientIds: 0,
    guardRejections: 0,
    deniedTopics: 0,
    refusedSubscriptions: 0,
  };
  private readonly sockets = new Set<MqttGuard>();
  readonly throttle: LoginThrottle;
  readonly fastPath: ReadingsFastPath;
  /** nodes told once in the log that their client id was refused (a device retries every few s) */
  private readonly toldClientId = new Set<string>();
  /** nodes told once in the log that they hold as many subscriptions as a client may */
  private readonly toldSubscriptions = new Set<string>();

  constructor(opts: BrokerOptions) {
    this.opts = opts;
    this.throttle = opts.throttle ?? new LoginThrottle(opts.loginThrottle);
    this.fastPath = new ReadingsFastPath({
      ingest: opts.ingest,
      log: opts.log,
      enabled: opts.fastPath ?? true,
    });
  }

  async start(): Promise<void> {
    const { registry, ingest } = this.opts;
    await this.fastPath.start();
    this.aedes = await Aedes.createBroker({
      id: 'communs-hub',
      connectTimeout: 10_000,
      // frozen subscribers are dropped instead of buffering for them forever
      drainTimeout: 20_000,
      keepaliveLimit: 1200,
      maxTopicLevels: 16,
      queueLimit: 64,
      maxClientsIdLength: 64,
      heartbeatInterval: 60_000,
    });
    this.aedes.preConnect = (client, packet, done) => {
      (client as NodeClient)[ASSIGNED_ID] = !packet.clientId;
      done(null, true);
    };
    this.aedes.authenticate = (client, username, password, done) => {
      // MQTT-3.1.3-9: a client id the hub will not accept is answered with CONNACK 2
      if (username && !this.clientIdOk(client as NodeClient, username)) {
        return done(refused(2, clientIdHint(username, client.id)), false);
      }
      const secret = password?.toString('utf8') ?? '';
      // the guard in front of aedes carries the peer's address (TCP and WebSocket alike)
      const address = (client.conn as Partial<MqttGuard>).remoteAddress;
      // a node whose secret already passed scrypt costs nothing to check: throttling spares it
      const known = !!username && registry.knownGood(username, secret);
      if (!known && this.throttle.blocked(address)) {
        this.counters.refusedLogins++;
        return done(refused(4, 'too many failed logins from this address: wait'), false);
      }
      if (!username) {
        this.throttle.failed(address);
        return done(refused(5, 'anonymous MQTT is not allowed'), false);
      }
      registry.authenticate(username, secret).then(
        (ok) => {
          if (!ok) {
            this.throttle.failed(address);
            this.counters.refusedLogins++;
            return done(refused(4, 'bad node id or secret'), false);
          }
          (client as NodeClient)[NODE] = username;
          done(null, true);
        },
        // ScryptBusy: too many logins being checked already; the client tries again later
        (err: Error) =>
          done(
            refused(3, err instanceof ScryptBusy ? `the hub is busy: ${err.message}` : err.message),
            false,
          ),
      );
    };
    this.aedes.authorizePublish = (client, packet, done) => {
      const node = client && (client as NodeClient)[NODE];
      // mqtt-packet parses a QoS 1/2 PUBLISH with packet id 0, which MQTT-2.3.1-1 forbids: its
      // PUBACK could not be matched, so the connection ends like for any malformed packet. A last
      // will is no PUBLISH packet: it carries no packet id at any QoS (MQTT-3.1.2-9) and comes here
      // as the client's own `will` object when its connection dies
      const will = packet === (client as (Client & { will?: unknown }) | null)?.will;
      if (packet.qos > 0 && !packet.messageId && !will)
        return done(new Error('QoS > 0 PUBLISH without a packet id'));
      const router = this.opts.topicRouter;
      if (node && router?.handles(node)) {
        return router.publish(node, packet.topic, packet.payload as Buffer, (err) => {
          if (err) this.counters.deniedTopics++;
          done(err ?? null);
        });
      }
      if (!node || !mayPublish(node, packet.topic)) {
        this.counters.deniedTopics++;
        return done(new Error(`${node ?? 'unknown'} may not publish to ${packet.topic}`));
      }
      const parsed = parseNodeTopic(packet.topic);
      if (!parsed) {
        this.counters.deniedTopics++;
        return done(new Error(`unknown topic ${packet.topic}`));
      }
      ingest.submit(nativeSubmission(node, parsed.channel, packet.payload as Buffer), (err) =>
        done(err ?? null),
      );
    };
    this.aedes.authorizeForward = (client, packet) => {
      const node = client && (client as NodeClient)[NODE];
      const router = this.opts.topicRouter;
      return node && router?.handles(node) && !router.mayReceive(node, packet.topic) ? null : packet;
    };
    this.aedes.authorizeSubscribe = (client, sub: Subscription, done) => {
      const node = (client as NodeClient)[NODE];
      const router = this.opts.topicRouter;
      const ok =
        node &&
        (router?.handles(node) ? router.maySubscribe(node, sub.topic) : maySubscribe(node, sub.topic));
      // a null subscription answers SUBACK 0x80 (MQTT-3.9.3) and keeps the connection
      if (!ok) {
        this.counters.deniedTopics++;
        return done(null, null as unknown as Subscription);
      }
      if (!this.holdFilter(client as NodeClient, node, sub.topic)) {
        return done(null, null as unknown as Subscription);
      }
      this.fastPath.watch(sub.topic);
      done(null, sub);
    };
    this.aedes.on('unsubscribe', (filters, client) => {
      const held = (client as NodeClient)[FILTERS];
      for (const f of filters) held?.delete(f);
    });
    this.limitStoredSubscriptions();
    // fired just before aedes handles the packets that arrived during login: the fast path can only
    // take the packets that come after them
    this.aedes.on('clientReady', (client) => {
      const node = (client as NodeClient)[NODE];
      const guard = client.conn;
      if (!node || this.opts.topicRouter?.handles(node) || !(guard instanceof MqttGuard)) return;
      this.fastPath.attach(client, node, guard);
    });

    this.server = net.createServer((socket) => this.accept(socket, socket.remoteAddress));
    this.server.maxConnections = this.opts.maxConnections ?? 2000;
    await listen(this.server, this.opts.port, this.opts.host);
    if (this.opts.httpServer) {
      this.wss = new WebSocketServer({
        server: this.opts.httpServer,
        path: '/mqtt',
        maxPayload: this.maxPacket(),
        // the same names as the HTTP API: a page under another domain (DNS rebinding) gets 421
        verifyClient: (info, cb) =>
          this.opts.allowHost && !this.opts.allowHost(info.req.headers.host)
            ? cb(false, 421, 'Misdirected Request')
            : cb(true),
      });
      this.wss.on('connection', (ws, req) =>
        this.accept(createWebSocketStream(ws), req.socket.remoteAddress),
      );
    }
  }

  get address(): net.AddressInfo {
    return this.server?.address() as net.AddressInfo;
  }

  /** Publishes as the hub itself (public aggregates, discovery); bypasses authorizePublish. */
  publish(topic: string, payload: string, opts: { retain?: boolean; qos?: 0 | 1 } = {}): Promise<void> {
    const packet = {
      cmd: 'publish',
      topic,
      payload: Buffer.from(payload),
      qos: opts.qos ?? 0,
      retain: opts.retain ?? false,
      dup: false,
    } as PublishPacket;
    return new Promise((resolve, reject) =>
      this.aedes.publish(packet, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Cuts every connection of a node at once (revocation). */
  disconnectNode(node: string): number {
    let n = 0;
    for (const client of this.clients()) {
      if (client[NODE] === node) {
        client.close();
        n++;
      }
    }
    return n;
  }

  connectedNodes(): Set<string> {
    const out = new Set<string>();
    for (const client of this.clients()) {
      if (client[NODE]) out.add(client[NODE]);
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => this.aedes?.close(() => resolve()));
  }

  /**
   * A client id is the node's own (client-id.ts), checked before the secret: refused with CONNACK 2
   * before aedes registers the client, so the connection that holds the id keeps it.
   */
  private clientIdOk(client: NodeClient, node: string): boolean {
    const id = client[ASSIGNED_ID] ? '' : client.id;
    if (clientIdAllowed(node, id, { clean: client.clean })) return true;
    this.counters.refusedClientIds++;
    if (this.opts.registry.node(node) && !this.toldClientId.has(node)) {
      this.toldClientId.add(node);
      asLog(this.opts.log).warn(clientIdHint(node, id));
    }
    return false;
  }

  /**
   * Counts the filters a client holds: past the cap it is refused (each subscription costs the
   * broker ~1 KB: 100,000 of them took the hub past 120 MB). The same filter again is no new one.
   */
  private holdFilter(client: NodeClient, node: string, filter: string): boolean {
    const max = this.opts.maxSubscriptionsPerClient ?? 100;
    client[FILTERS] ??= new Set();
    const held = client[FILTERS];
    if (held.has(filter) || held.size < max) {
      held.add(filter);
      return true;
    }
    this.counters.refusedSubscriptions++;
    if (!this.toldSubscriptions.has(node)) {
      this.toldSubscriptions.add(node);
      asLog(this.opts.log).warn(
        `node ${node} holds ${max} subscriptions, the most one client may: further ones refused (SUBACK 0x80)`,
      );
    }
    return false;
  }

  /**
   * aedes stores every filter of a SUBSCRIBE packet in a persistent session as soon as one of them
   * is granted (lib/handlers/subscribe.js, storeSubscriptions), refused ones too: the session would
   * grow past the cap. Only the filters the client holds are stored.
   */
  private limitStoredSubscriptions(): void {
    // public on aedes, absent from its types
    const { persistence } = this.aedes as unknown as {
      persistence: { addSubscriptions(client: Client, subs: Subscription[]): Promise<unknown> };
    };
    const add = persistence.addSubscriptions.bind(persistence);
    persistence.addSubscriptions = (client, subs) => {
      const held = (client as NodeClient)[FILTERS];
      return add(client, held ? subs.filter((s) => held.has(s.topic)) : subs);
    };
  }

  private clients(): NodeClient[] {
    // aedes keeps its clients in a public-but-untyped map keyed by client id
    return Object.values((this.aedes as unknown as { clients: Record<string, NodeClient> }).clients);
  }

  private maxPacket(): number {
    return this.opts.maxPacketBytes ?? 64 * 1024;
  }

  private accept(stream: import('node:stream').Duplex, remote: string | undefined): void {
    if (this.sockets.size >= (this.opts.maxConnections ?? 2000)) {
      this.counters.guardRejections++;
      stream.destroy();
      return;
    }
    const guarded = new MqttGuard(
      stream,
      {
        maxPacketBytes: this.maxPacket(),
        maxConnectBytes: 4096,
        connectTimeoutMs: 10_000,
        onReject: () => this.counters.guardRejections++,
      },
      remote,
    );
    stream.on('error', () => {});
    guarded.on('error', () => {});
    this.sockets.add(guarded);
    this.counters.connections++;
    guarded.on('close', () => this.sockets.delete(guarded));
    this.aedes.handle(guarded);
  }
}

function refused(code: 1 | 2 | 3 | 4 | 5, message: string): Error & { returnCode: 1 | 2 | 3 | 4 | 5 } {
  return Object.assign(new Error(message), { returnCode: code });
}

export function listen(
  server: net.Server | import('node:http').Server,
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
