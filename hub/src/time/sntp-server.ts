import dgram from 'node:dgram';
import net from 'node:net';
import { buildReply, NTP_MODE, readHeader } from '../../../protocol/sntp.ts';

export interface SntpServerOptions {
  host: string;
  port: number;
  /** the hub's trusted time (epoch ms) */
  now: () => number;
  /** false while the hub does not trust its clock: replies then carry the alarm */
  synchronised: () => boolean;
}

/**
 * The neighbourhood's clock on the LAN: an SNTP server (RFC 4330 server mode, NTPv4 packets of
 * RFC 5905) answering Tasmota, ESPHome, node agents and any NTP client from the hub's own clock.
 * The hub has no reference clock of its own, so it says stratum 10 with reference "LOCL", the
 * customary place of an undisciplined local clock: a client that also reaches better servers
 * prefers them. Anything that is not a client request is ignored and counted.
 */
export class SntpServer {
  private readonly opts: SntpServerOptions;
  private socket: dgram.Socket | undefined;
  readonly counters = { answered: 0, unsynchronised: 0, ignored: 0 };

  constructor(opts: SntpServerOptions) {
    this.opts = opts;
  }

  /** Binds the port; rejects with the bind error (EACCES, EADDRINUSE) and its port. */
  async start(): Promise<void> {
    const socket = dgram.createSocket(net.isIPv6(this.opts.host) ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => this.answer(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException & { port?: number }) => {
        err.port ??= this.opts.port;
        reject(err);
      };
      socket.once('error', failed);
      socket.bind(this.opts.port, this.opts.host, () => {
        socket.off('error', failed);
        // a send error (an unreachable client) must not end the hub
        socket.on('error', () => {});
        resolve();
      });
    });
    this.socket = socket;
  }

  get port(): number | undefined {
    return this.socket?.address().port;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((r) => socket.close(() => r()));
  }

  private answer(request: Buffer, to: dgram.RemoteInfo): void {
    const receiveMs = this.opts.now();
    const header = readHeader(request);
    if (typeof header === 'string' || header.mode !== NTP_MODE.client) {
      this.counters.ignored++;
      return;
    }
    const synchronised = this.opts.synchronised();
    const reply = buildReply({
      request,
      receiveMs,
      transmitMs: this.opts.now(),
      synchronised,
      stratum: 10,
      referenceId: 'LOCL',
    });
    if (synchronised) this.counters.answered++;
    else this.counters.unsynchronised++;
    this.socket?.send(reply, to.port, to.address);
  }
}
