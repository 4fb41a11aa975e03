import dgram from 'node:dgram';
import { buildRequest, NTP_PORT, readReply, type Sample } from '../../protocol/sntp.ts';

export interface HubTimeOptions {
  /** the hub's SNTP server */
  host: string;
  port?: number;
  /** the machine's clock (Date.now, or a test's) */
  system: () => number;
  /** how often to ask once in step; until then, every `retryMs` */
  everyMs?: number;
  retryMs?: number;
  /** how long one request may wait for its answer */
  timeoutMs?: number;
  log: (line: string) => void;
}

/** A sample whose round trip took longer than this says little about the offset: it is not used. */
const MAX_DELAY_MS = 1000;

/**
 * The neighbourhood's time for a node agent: it asks the hub's SNTP server (RFC 4330 client) and
 * stamps readings with the machine's clock plus the offset found, so readings from every node line
 * up with the hub's clock even on a LAN with no internet. Until the hub answers (no NTP there, a hub
 * whose own clock is not trusted), the machine's clock is used as it is, and it says so once.
 */
export class HubTime {
  private readonly opts: HubTimeOptions;
  private offset: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing: string | undefined;
  private stopped = false;

  constructor(opts: HubTimeOptions) {
    this.opts = opts;
  }

  /** The hub's time (epoch ms), as well as this node knows it. */
  readonly now = (): number => this.opts.system() + (this.offset ?? 0);

  /** What the machine's clock is off the hub's, once the hub has answered. */
  get offsetMs(): number | undefined {
    return this.offset;
  }

  /** Asks at once (readings wait for nothing: the first ones may carry the machine's time). */
  start(): void {
    this.stopped = false;
    void this.round();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One request; resolves with the sample taken, or the reason there is none. Exposed for tests. */
  async round(): Promise<Sample | string> {
    const result = await this.query().catch((err: Error) => err.message);
    if (typeof result === 'string' || result.delayMs > MAX_DELAY_MS) {
      const why = typeof result === 'string' ? result : `a round trip of ${Math.round(result.delayMs)} ms`;
      if (this.failing === undefined) {
        const clock = this.offset === undefined ? "this machine's clock" : 'the last offset found';
        this.opts.log(
          `time: no usable answer from ${this.where} (${why}); readings are stamped with ${clock}`,
        );
      }
      this.failing = why;
    } else {
      const before = this.offset;
      this.offset = Math.round(result.offsetMs);
      if (before === undefined || Math.abs(before - this.offset) > 1000 || this.failing !== undefined)
        this.opts.log(
          `time: in step with the hub (${this.where}), this machine's clock is off by ${seconds(this.offset)}`,
        );
      this.failing = undefined;
    }
    this.schedule();
    return result;
  }

  private get where(): string {
    return `${this.opts.host}:${this.opts.port ?? NTP_PORT}`;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const ms =
      this.failing === undefined ? (this.opts.everyMs ?? 15 * 60_000) : (this.opts.retryMs ?? 60_000);
    this.timer = setTimeout(() => void this.round(), ms);
    this.timer.unref();
  }

  private query(): Promise<Sample | string> {
    const socket = dgram.createSocket(this.opts.host.includes(':') ? 'udp6' : 'udp4');
    return new Promise<Sample | string>((resolve) => {
      const done = (r: Sample | string) => {
        clearTimeout(timeout);
        socket.close();
        resolve(r);
      };
      const timeout = setTimeout(() => done('no answer'), this.opts.timeoutMs ?? 2000);
      timeout.unref();
      const request = buildRequest(this.opts.system());
      socket.on('error', (err) => done(err.message));
      socket.on('message', (reply) => {
        const sample = readReply(reply, request, this.opts.system());
        // a stray or stale datagram: keep waiting for the answer to this request
        if (sample === 'the reply answers another request') return;
        done(sample);
      });
      socket.send(request, this.opts.port ?? NTP_PORT, this.opts.host);
    });
  }
}

function seconds(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${(ms / 1000).toFixed(3)} s`;
}
