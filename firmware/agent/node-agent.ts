import type { MetaMessage, NodeAgentConfig, SensorConfig, StatusMessage } from '../../protocol/index.ts';
import { DEFAULT_NODE_POWER_W, isMeterBoard, MAX_READINGS_PER_MESSAGE } from '../../protocol/index.ts';
import { NTP_PORT } from '../../protocol/sntp.ts';
import type { BoardTransport, TransportFactory } from './board-transport.ts';
import { DiskQueue } from './disk-queue.ts';
import type { Sleep } from './drivers/driver.ts';
import { FirmataSource } from './firmata-source.ts';
import { HubTime } from './hub-time.ts';
import type { SerialFraming } from './meters/meter-reader.ts';
import { MeterSource } from './meters/meter-source.ts';
import { MqttLink } from './mqtt-link.ts';
import type { ReadingSource } from './reading-source.ts';
import { transportFor } from './transport-factory.ts';

export interface NodeAgentOptions {
  config: NodeAgentConfig;
  sensors: readonly SensorConfig[];
  /** absolute path of the store-and-forward queue */
  /** the store-and-forward queue's directory; without one it is in memory (the demo, inside the hub) */
  queueDir?: string | undefined;
  /** the board's transport; by default the one the config names */
  createTransport?: TransportFactory;
  /** a meter board's port; by default its serial adapter (the demo gives an in-process stream) */
  openMeterPort?: (framing: SerialFraming) => BoardTransport;
  /** the machine's clock; readings are stamped with it plus the offset the hub's time server gives */
  clock?: () => number;
  sleep?: Sleep;
  /** overrides config.publishIntervalS, for tests and the demo */
  intervalMs?: number;
  statusEveryMs?: number;
  /** the draw declared in the node's meta (the loader derives it from the config or the kit) */
  powerW?: number;
  /** the board model the kit names (uno, nano, ...), declared in the node's meta */
  boardModel?: string;
  /** the first sequence number when the queue is brand new */
  firstSeq?: number;
  log?: (line: string) => void;
}

/**
 * One node: a source of readings (a Firmata board kept connected by BoardLink with the kit's
 * drivers, or a utility meter's own output), the on-disk queue and the MQTT link. The flow, every
 * interval: read the source → stamp ts → number and append to the queue → forward from the queue
 * head while the hub is online. Readings always pass through the queue, so a hub that goes away
 * changes nothing but how long they wait.
 */
export class NodeAgent {
  readonly source: ReadingSource;
  private readonly queue: DiskQueue;
  private readonly mqtt: MqttLink;
  private readonly clock: () => number;
  /** the hub's time over SNTP, unless the config says `"time": false` */
  readonly hubTime: HubTime | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private forwarding = false;
  /** bumped when the source's meta changes; `metaSent` is the version the last meta carried */
  private metaVersion = 0;
  private metaSent = 0;
  /** bumped when the meter's status changes (tariff period, Tempo colour); as for the meta */
  private statusVersion = 0;
  private statusSent = 0;
  /** what the board's firmware said: counted, and the last one, for the node's status */
  private readonly boardSaid = { count: 0, last: undefined as string | undefined };

  constructor(private readonly opts: NodeAgentOptions) {
    const { config } = opts;
    const system = opts.clock ?? Date.now;
    if (config.time !== false) {
      this.hubTime = new HubTime({
        host: config.time?.server ?? new URL(config.hub).hostname.replace(/^\[|\]$/g, ''),
        port: config.time?.port ?? NTP_PORT,
        everyMs: (config.time?.everyS ?? 900) * 1000,
        system,
        log: (l) => this.log(l),
      });
    }
    this.clock = this.hubTime?.now ?? system;
    const log = (l: string) => this.log(l);
    this.source = isMeterBoard(config.board)
      ? new MeterSource({ board: config.board, open: opts.openMeterPort, clock: this.clock, log })
      : new FirmataSource({
          board: config.board,
          sensors: opts.sensors,
          createTransport: opts.createTransport ?? transportFor(config.board, opts.sensors),
          boardModel: opts.boardModel,
          sleep: opts.sleep,
          log,
        });
    this.queue = new DiskQueue({
      dir: opts.queueDir,
      maxReadings: config.queue.maxReadings,
      firstSeq: opts.firstSeq,
    });
    this.mqtt = new MqttLink({
      url: config.hub,
      node: config.node,
      secret: config.secret,
      meta: () => this.meta(),
      status: () => this.status(),
      statusEveryMs: opts.statusEveryMs,
      log,
    });
    this.source.on('meta', () => {
      this.metaVersion++;
    });
    // a new tariff period or Tempo colour goes out at once, not at the next periodic status
    this.source.on('status', () => {
      this.statusVersion++;
      if (this.mqtt.online) void this.mqtt.publishStatus().catch(() => undefined);
    });
    // the meta sent at connect may predate the board's answer: it names the firmware now
    this.source.on('firmware', () => {
      if (this.mqtt.online) void this.mqtt.publishMeta().catch(() => undefined);
    });
    this.source.on('board-message', (text: string) => {
      this.boardSaid.count += 1;
      this.boardSaid.last = text.slice(0, 120);
    });
  }

  /** Readings waiting for the hub, and readings dropped because the queue was full. */
  get backlog(): { queued: number; dropped: number } {
    return { queued: this.queue.size, dropped: this.queue.dropped };
  }

  get hubOnline(): boolean {
    return this.mqtt.online;
  }

  get boardConnected(): boolean {
    return this.source.connected;
  }

  async start(): Promise<void> {
    this.startedAt = this.clock();
    try {
      this.queue.start();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(
        `queue: cannot use ${this.opts.queueDir} (${code}) — make it writable or set "queue.dir" to a writable directory`,
      );
    }
    this.hubTime?.start();
    this.mqtt.on('online', () => {
      // a change that came while the link announced itself, after the status it announced with
      if (this.statusVersion !== this.statusSent) void this.mqtt.publishStatus().catch(() => undefined);
      void this.forward();
    });
    this.mqtt.start();
    this.source.start();
    const every = this.opts.intervalMs ?? this.opts.config.publishIntervalS * 1000;
    this.timer = setInterval(() => void this.sample(), every);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.hubTime?.stop();
    await this.source.stop();
    await this.mqtt.stop();
    this.queue.close();
  }

  /** One round: read the source, queue the readings, forward. Exposed for tests. */
  async sample(): Promise<void> {
    const fresh = await this.source.read(this.clock);
    if (fresh.length > 0) {
      // the hub accepts readings only of declared sensors: a grown meta goes out before them (or
      // with the announce of the next connection, which comes before any forwarding)
      if (this.metaVersion !== this.metaSent && this.mqtt.online) {
        await this.mqtt.publishMeta().catch(() => {
          this.metaSent = -1;
        });
      }
      this.queue.push(fresh);
    }
    await this.forward();
  }

  /** Sends the queue from its head, one acknowledged batch at a time, while the hub is online. */
  private async forward(): Promise<void> {
    if (this.forwarding) return;
    this.forwarding = true;
    try {
      while (this.mqtt.online && this.queue.size > 0) {
        const { readings, span } = this.queue.peek(MAX_READINGS_PER_MESSAGE);
        if (readings.length > 0) {
          const sent = await this.untilOffline(this.mqtt.publishReadings(readings));
          if (!sent) break; // the connection dropped mid-batch: the batch stays queued and is resent
        }
        this.queue.ack(span);
      }
    } catch (err) {
      this.log(`hub: publish failed (${(err as Error).message}); will retry`);
    } finally {
      this.forwarding = false;
    }
  }

  /** Resolves true when the publish is acknowledged, false if the link goes offline first. */
  private untilOffline(publish: Promise<void>): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const offline = () => resolve(false);
      this.mqtt.once('offline', offline);
      publish.then(
        () => {
          this.mqtt.off('offline', offline);
          resolve(true);
        },
        (err) => {
          this.mqtt.off('offline', offline);
          reject(err);
        },
      );
    });
  }

  private meta(): MetaMessage {
    const { config } = this.opts;
    const meter = this.source.meter();
    this.metaSent = this.metaVersion;
    return {
      node: config.node,
      board: this.source.board ?? 'arduino',
      ...(this.source.firmware ? { firmware: this.source.firmware.slice(0, 60) } : {}),
      kit: config.kit?.replace(/^.*[\\/]([^\\/]+)[\\/]kit\.json$/, '$1').slice(0, 40),
      // a virtual board stands for the kit it imitates: it declares that kit's draw
      powerW: this.opts.powerW ?? config.powerW ?? DEFAULT_NODE_POWER_W,
      sensors: this.source.sensors(),
      ...(meter ? { meter } : {}),
    };
  }

  private status(): StatusMessage {
    const meter = this.source.meterStatus();
    this.statusSent = this.statusVersion;
    return {
      state: 'online',
      ts: this.clock(),
      uptime: Math.round((this.clock() - this.startedAt) / 1000),
      queued: this.queue.size,
      dropped: this.queue.dropped,
      ...(meter ? { meter } : {}),
      ...(this.boardSaid.count > 0
        ? { boardMessages: this.boardSaid.count, lastBoardMessage: this.boardSaid.last }
        : {}),
    };
  }

  private log(line: string): void {
    this.opts.log?.(`${this.opts.config.node}: ${line}`);
  }
}
