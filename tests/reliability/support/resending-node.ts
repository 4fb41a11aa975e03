import mqtt, { type MqttClient } from 'mqtt';
import { type MetaMessage, type Reading, topics } from '../../../protocol/index.ts';

export interface ResendingNodeOptions {
  node: string;
  secret: string;
  /** read at every connection attempt: a restarted hub may listen on another port */
  url: () => string | null;
  /** publishes in flight at once */
  window?: number;
  readingsPerMessage?: number;
  retryMs?: number;
  /** the timestamp of reading 0 (then one millisecond a reading); default two days ago */
  t0?: number;
}

interface Message {
  first: number;
  readings: Reading[];
}

/**
 * A node that keeps every reading until the hub acknowledges it (QoS 1 PUBACK) and resends what was
 * not acknowledged after each reconnect — store-and-forward in memory, so a test can say exactly
 * which readings the hub acknowledged. Sequence numbers are contiguous from 0; `ts` is unique.
 */
export class ResendingNode {
  readonly opts: ResendingNodeOptions;
  /** seq of every reading whose message the hub acknowledged */
  readonly acked = new Set<number>();
  produced = 0;
  connections = 0;
  failedConnects = 0;
  private pending: Message[] = [];
  private inflight = new Map<number, Message>();
  private client: MqttClient | undefined;
  private running = false;
  // one reading per millisecond from two days back: room for 170 M readings before the hub's
  // 10-minute future limit, well inside the 30-day past limit
  private readonly t0: number;
  private loop: Promise<void> | undefined;

  constructor(opts: ResendingNodeOptions) {
    this.opts = opts;
    this.t0 = opts.t0 ?? Date.now() - 2 * 86_400_000;
  }

  static meta(node: string): MetaMessage {
    return { node, board: 'test', sensors: [{ id: 'p', quantity: 'power', unit: 'W' }] };
  }

  /** Queues `n` readings (several per message). */
  produce(n: number): void {
    const per = this.opts.readingsPerMessage ?? 5;
    for (let i = 0; i < n; i += per) {
      const readings: Reading[] = [];
      for (let k = 0; k < per && i + k < n; k++) {
        const seq = this.produced++;
        readings.push({
          sensor: 'p',
          quantity: 'power',
          unit: 'W',
          value: 100 + (seq % 50),
          ts: this.t0 + seq,
          seq,
        });
      }
      this.pending.push({ first: readings[0]?.seq ?? 0, readings });
    }
    this.kick();
  }

  get unacked(): number {
    return this.pending.length + this.inflight.size;
  }

  get online(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.client?.end(true);
    await this.loop;
  }

  private wake: (() => void) | undefined;
  private kick(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const url = this.opts.url();
      if (!url) {
        await this.pause(this.opts.retryMs ?? 100);
        continue;
      }
      try {
        await this.session(url);
      } catch {
        this.failedConnects++;
      }
      // whatever was in flight was not acknowledged: it goes back, in order, to be resent
      this.pending = [...this.inflight.values(), ...this.pending].sort((a, b) => a.first - b.first);
      this.inflight.clear();
      this.client?.end(true);
      this.client = undefined;
      if (this.running) await this.pause(this.opts.retryMs ?? 100);
    }
  }

  private async session(url: string): Promise<void> {
    const { node, secret } = this.opts;
    const client = mqtt.connect(url, {
      username: node,
      password: secret,
      clientId: `${node}:${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      queueQoSZero: false,
    });
    this.client = client;
    client.on('error', () => {});
    // connectAsync can wait forever when the hub dies between TCP accept and CONNACK
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no CONNACK')), 3000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.once('close', () => {
        clearTimeout(timer);
        reject(new Error('closed before CONNACK'));
      });
    });
    this.connections++;
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    await Promise.race([
      client.publishAsync(topics.meta(node), JSON.stringify(ResendingNode.meta(node)), {
        qos: 1,
        retain: true,
      }),
      closed,
    ]);
    let open = true;
    void closed.then(() => {
      open = false;
      this.kick();
    });
    while (this.running && open) {
      while (open && this.inflight.size < (this.opts.window ?? 10) && this.pending.length > 0) {
        const m = this.pending.shift() as Message;
        this.inflight.set(m.first, m);
        client.publishAsync(topics.readings(node), JSON.stringify({ readings: m.readings }), { qos: 1 }).then(
          () => {
            for (const r of m.readings) this.acked.add(r.seq);
            if (this.inflight.get(m.first) === m) this.inflight.delete(m.first);
            this.kick();
          },
          () => {},
        );
      }
      await this.pause(200);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
