import type { MetaMessage, NodeAgentConfig, SensorConfig, StatusMessage } from '../../protocol/index.ts';
import { DEFAULT_NODE_POWER_W, MAX_READINGS_PER_MESSAGE } from '../../protocol/index.ts';
import { NTP_PORT } from '../../protocol/sntp.ts';
import { BoardLink } from './board-link.ts';
import type { TransportFactory } from './board-transport.ts';
import { DiskQueue, type NewReading } from './disk-queue.ts';
import { createDriver } from './drivers/create-driver.ts';
import type { Driver, Sleep } from './drivers/driver.ts';
import { HubTime } from './hub-time.ts';
import { MqttLink } from './mqtt-link.ts';
import { describeBoard, flashCommand, transportFor } from './transport-factory.ts';

export interface NodeAgentOptions {
  config: NodeAgentConfig;
  sensors: readonly SensorConfig[];
  /** absolute path of the store-and-forward queue */
  /** the store-and-forward queue's directory; without one it is in memory (the demo, inside the hub) */
  queueDir?: string | undefined;
  /** the board's transport; by default the one the config names */
  createTransport?: TransportFactory;
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
 * One node: a board (kept connected by BoardLink), its sensors' drivers, the on-disk queue and the
 * MQTT link. The flow, every interval: read every driver → stamp ts → number and append to the queue
 * → forward from the queue head while the hub is online. Readings always pass through the queue, so
 * a hub that goes away changes nothing but how long they wait.
 */
export class NodeAgent {
  readonly drivers: Driver[];
  private readonly queue: DiskQueue;
  private readonly board: BoardLink;
  private readonly mqtt: MqttLink;
  private readonly clock: () => number;
  /** the hub's time over SNTP, unless the config says `"time": false` */
  readonly hubTime: HubTime | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private forwarding = false;
  private readonly failing = new Set<string>();
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
    this.drivers = opts.sensors.map((s) => createDriver(s, opts.sleep));
    this.queue = new DiskQueue({
      dir: opts.queueDir,
      maxReadings: config.queue.maxReadings,
      firstSeq: opts.firstSeq,
    });
    this.board = new BoardLink({
      createTransport: opts.createTransport ?? transportFor(config.board, opts.sensors),
      drivers: this.drivers,
      describe: describeBoard(config.board),
      flashCommand: flashCommand(config.board),
      log: (l) => this.log(l),
      // the meta sent at connect may predate the board's answer: it names the firmware now
      onFirmware: () => {
        if (this.mqtt.online) void this.mqtt.publishMeta().catch(() => undefined);
      },
      onFirmwareMessage: (text) => {
        this.boardSaid.count += 1;
        this.boardSaid.last = text.slice(0, 120);
      },
    });
    this.mqtt = new MqttLink({
      url: config.hub,
      node: config.node,
      secret: config.secret,
      meta: () => this.meta(),
      status: () => this.status(),
      statusEveryMs: opts.statusEveryMs,
      log: (l) => this.log(l),
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
    return this.board.connected;
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
    this.mqtt.on('online', () => void this.forward());
    this.mqtt.start();
    this.board.start();
    const every = this.opts.intervalMs ?? this.opts.config.publishIntervalS * 1000;
    this.timer = setInterval(() => void this.sample(), every);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.hubTime?.stop();
    await this.board.stop();
    await this.mqtt.stop();
    this.queue.close();
  }

  /** One round: read every sensor, queue the readings, forward. Exposed for tests. */
  async sample(): Promise<void> {
    if (!this.board.connected) return;
    const fresh: NewReading[] = [];
    for (const d of this.drivers) {
      const name = d.sensors[0]?.id ?? 'sensor';
      try {
        const ts = this.clock();
        for (const r of await d.read(ts)) fresh.push({ ...r, ts });
        if (this.failing.delete(name)) this.log(`sensor ${name}: reading again`);
      } catch (err) {
        // one line when a sensor starts failing, not one per interval
        if (!this.failing.has(name)) this.log(`sensor ${name}: ${(err as Error).message}`);
        this.failing.add(name);
      }
    }
    this.queue.push(fresh);
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
    return {
      node: config.node,
      board: config.board.type === 'virtual' ? 'virtual' : (this.opts.boardModel ?? 'arduino'),
      ...(this.board.firmware ? { firmware: this.board.firmware.slice(0, 60) } : {}),
      kit: config.kit?.replace(/^.*[\\/]([^\\/]+)[\\/]kit\.json$/, '$1').slice(0, 40),
      // a virtual board stands for the kit it imitates: it declares that kit's draw
      powerW: this.opts.powerW ?? config.powerW ?? DEFAULT_NODE_POWER_W,
      sensors: this.drivers.flatMap((d) => d.sensors),
    };
  }

  private status(): StatusMessage {
    return {
      state: 'online',
      ts: this.clock(),
      uptime: Math.round((this.clock() - this.startedAt) / 1000),
      queued: this.queue.size,
      dropped: this.queue.dropped,
      ...(this.boardSaid.count > 0
        ? { boardMessages: this.boardSaid.count, lastBoardMessage: this.boardSaid.last }
        : {}),
    };
  }

  private log(line: string): void {
    this.opts.log?.(`${this.opts.config.node}: ${line}`);
  }
}
