import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { topics } from '../../../protocol/index.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { nativeSubmission } from '../ingest/submission.ts';
import { asLog } from '../log.ts';
import { topicMatches } from './acl.ts';
import type { FastPath, MqttGuard } from './guard.ts';

/**
 * The fast path of native readings — the one place that depends on aedes' internals and on the
 * MQTT 3.1.1 byte layout (docs/DESIGN.md, "The fast path, kept in one adapter").
 *
 * A connected native node's QoS 0/1, non-retained PUBLISH on its own readings topic goes from the
 * guard straight to ingest; aedes never sees it. aedes would build packet objects and match the topic
 * against every subscription to route the message to nobody — no client may subscribe to another
 * node's readings — which cost more than storing the reading (docs/PERFORMANCE.md). The PUBACK is
 * written by the guard after the commit, from the same in-order commit callbacks from which aedes
 * writes its own PUBACKs (synchronously), so acknowledgements keep the order of the PUBLISH packets.
 *
 * What it relies on, each checked by `hub/test/aedes-contract.test.ts` against the pinned aedes and
 * by `selfTest()` when the hub starts (the fast path stays off if one does not hold):
 *  - `clientReady` is emitted before aedes handles packets that arrived with the CONNECT;
 *  - `client.version` is the CONNECT's protocol level (only 3.1.1, level 4, is taken);
 *  - `client._keepaliveTimer` is a timer aedes refreshes for every packet it reads, and
 *    `client._keepaliveInterval` is > 0 when a keepalive was asked: a packet taken here must refresh
 *    it, or a node that only publishes readings is cut after 1.5 × its keepalive;
 *  - aedes writes a QoS 1 PUBACK synchronously when `authorizePublish` calls back.
 */
export const CHECKED_AEDES_VERSION = '1.2.0';

/** The MQTT protocol level whose PUBLISH layout `take` reads (3.1.1, MQTT-3.1.2-2). */
const MQTT_3_1_1 = 4;

type InternalClient = Client & {
  version?: number | null;
  _keepaliveTimer?: NodeJS.Timeout | null;
  _keepaliveInterval?: number;
};

export interface FastPathOptions {
  ingest: IngestPipeline;
  log: (line: string) => void;
  /** false: every reading goes through aedes (to measure, or after a failed self-test) */
  enabled?: boolean;
}

/** Decides, per connection, whether readings may skip aedes, and takes them. */
export class ReadingsFastPath {
  private readonly opts: FastPathOptions;
  private on: boolean;
  /**
   * Subscriptions that could receive nodes' readings (kept for the broker's life: they are rare):
   * those readings must go through aedes. By node for filters naming one, else as a list.
   */
  private readonly watchers = { byNode: new Set<string>(), wildcard: new Set<string>() };

  constructor(opts: FastPathOptions) {
    this.opts = opts;
    this.on = opts.enabled ?? true;
  }

  get enabled(): boolean {
    return this.on;
  }

  /**
   * At start: the installed aedes is the one this adapter was checked against, and a client that
   * connects through it shows the internals the fast path uses. Otherwise the fast path stays off,
   * with one line saying why; readings then go through aedes, slower but correct.
   */
  async start(): Promise<void> {
    if (!this.on) return;
    const problem = installedAedesProblem() ?? (await selfTest());
    if (problem) {
      this.on = false;
      asLog(this.opts.log).warn(`fast path for readings off, every reading goes through aedes: ${problem}`);
    }
  }

  /** Called on aedes' `clientReady` for a native node: its connection may take readings from now on. */
  attach(client: Client, node: string, guard: MqttGuard): void {
    const c = client as InternalClient;
    if (!this.on || c.version !== MQTT_3_1_1) return;
    guard.fastPath = new NodeReadings({
      guard,
      node,
      ingest: this.opts.ingest,
      watched: () => this.watched(node),
      alive: () => {
        if (c._keepaliveTimer && (c._keepaliveInterval ?? 0) > 0) c._keepaliveTimer.refresh();
      },
    });
  }

  /** Records a subscription filter if it can receive a node's readings. */
  watch(filter: string): void {
    const level = filter.split('/')[3];
    const named = level !== undefined && level !== '+' && level !== '#';
    if (!topicMatches(filter, topics.readings(named ? level : 'any'))) return;
    if (named) this.watchers.byNode.add(level);
    else this.watchers.wildcard.add(filter);
  }

  private watched(node: string): boolean {
    const { byNode, wildcard } = this.watchers;
    if (byNode.has(node)) return true;
    for (const filter of wildcard) if (topicMatches(filter, topics.readings(node))) return true;
    return false;
  }
}

/** One connection's readings. */
class NodeReadings implements FastPath {
  private readonly topic: Buffer;

  constructor(
    private readonly opts: {
      guard: MqttGuard;
      node: string;
      ingest: IngestPipeline;
      /** true once some subscription could receive this node's readings: then aedes must route them */
      watched: () => boolean;
      /** the client was heard from: aedes' keepalive timer must not fire */
      alive: () => void;
    },
  ) {
    this.topic = Buffer.from(topics.readings(opts.node));
  }

  /** A whole PUBLISH packet (`body` = offset past the fixed header), in the MQTT 3.1.1 layout. */
  take(packet: Buffer, body: number): boolean {
    const flags = (packet[0] as number) & 0x0f;
    const qos = (flags >> 1) & 3;
    if (qos > 1 || flags & 1) return false;
    const topicStart = body + 2;
    const topicEnd = topicStart + this.topic.length;
    if (topicEnd > packet.length || packet.readUInt16BE(body) !== this.topic.length) return false;
    if (this.topic.compare(packet, topicStart, topicEnd) !== 0) return false;
    let payload = topicEnd;
    let id = 0;
    if (qos === 1) {
      if (payload + 2 > packet.length) return false;
      id = packet.readUInt16BE(payload);
      payload += 2;
      // a QoS 1 packet id 0 (MQTT-2.3.1-1) is aedes' to refuse
      if (id === 0) return false;
    }
    if (this.opts.watched()) return false;
    this.opts.alive();
    const { guard } = this.opts;
    const submission = nativeSubmission(this.opts.node, 'readings', packet.subarray(payload));
    this.opts.ingest.submit(submission, (err) => {
      if (err) guard.destroy();
      guard.settle(id);
    });
    return true;
  }
}

/** Why the installed aedes is not the one this adapter was checked against, if it is not. */
export function installedAedesProblem(): string | undefined {
  // aedes does not export its package.json: read it beside its entry point
  const entry = createRequire(import.meta.url).resolve('aedes');
  const file = path.join(path.dirname(entry), 'package.json');
  const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  if (version === CHECKED_AEDES_VERSION) return undefined;
  return `aedes ${version} is installed, the fast path was checked against ${CHECKED_AEDES_VERSION} (run hub/test/aedes-contract.test.ts, then update CHECKED_AEDES_VERSION)`;
}

/**
 * Connects one client, in memory, to an aedes of its own and checks the internals the fast path
 * uses. Resolves with what is wrong, or undefined.
 */
export async function selfTest(): Promise<string | undefined> {
  const broker = await Aedes.createBroker({ id: 'communs-self-test' });
  const toBroker = new PassThrough();
  const fromBroker = new PassThrough();
  const server = Duplex.from({ readable: toBroker, writable: fromBroker });
  try {
    const ready = new Promise<InternalClient>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no clientReady within 2 s')), 2000);
      broker.once('clientReady', (client) => {
        clearTimeout(timer);
        resolve(client as InternalClient);
      });
    });
    broker.handle(server);
    toBroker.write(connectPacket('communs-self-test', 30));
    const client = await ready;
    if (client.version !== MQTT_3_1_1) return `client.version is ${String(client.version)}, not 4`;
    if (typeof client._keepaliveTimer?.refresh !== 'function') return 'client._keepaliveTimer is gone';
    if (!((client._keepaliveInterval ?? 0) > 0)) return 'client._keepaliveInterval is not set';
    return undefined;
  } catch (err) {
    return `self-test failed: ${(err as Error).message}`;
  } finally {
    server.destroy();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}

/** An MQTT 3.1.1 CONNECT: clean session, no credentials (MQTT-3.1). */
function connectPacket(clientId: string, keepaliveS: number): Buffer {
  const id = Buffer.from(clientId);
  const variable = Buffer.from([
    0,
    4,
    0x4d,
    0x51,
    0x54,
    0x54,
    MQTT_3_1_1,
    0x02,
    keepaliveS >> 8,
    keepaliveS & 0xff,
  ]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  const remaining = variable.length + payload.length;
  return Buffer.concat([Buffer.from([0x10, remaining]), variable, payload]);
}
