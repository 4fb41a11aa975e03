import net from 'node:net';
import mqttPacket from 'mqtt-packet';

/**
 * A deliberately thin MQTT 3.1.1 publisher for the load generator: packets are framed by hand from
 * prebuilt buffers and only CONNACK and PUBACK are parsed, so the generator spends a few µs per
 * message and the server, not the client, is what saturates.
 */
export class RawClient {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  onPuback: (messageId: number) => void = () => {};
  private connack: ((rc: number) => void) | undefined;
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d) => this.read(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /**
   * Connects as a node's firmware does: a CONNACK 3 (the hub's password checks are all busy, a
   * wave of logins) is tried again after a short wait, up to a minute; any other refusal throws.
   */
  static async connect(
    port: number,
    opts: { clientId: string; username?: string; password?: string; keepalive?: number },
  ): Promise<RawClient> {
    const end = Date.now() + 60_000;
    for (;;) {
      try {
        return await RawClient.connectOnce(port, opts);
      } catch (err) {
        if (!(err instanceof BusyError) || Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
      }
    }
  }

  private static async connectOnce(
    port: number,
    opts: { clientId: string; username?: string; password?: string; keepalive?: number },
  ): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    const rc = new Promise<number>((resolve) => {
      client.connack = resolve;
    });
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: opts.clientId,
        keepalive: opts.keepalive ?? 600,
        ...(opts.username ? { username: opts.username } : {}),
        ...(opts.password ? { password: Buffer.from(opts.password) } : {}),
      }),
    );
    const code = await Promise.race([
      rc,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error(`no CONNACK for ${opts.clientId}`)), 30_000),
      ),
    ]);
    if (code !== 0) {
      socket.destroy();
      throw code === 3 ? new BusyError(opts.clientId) : new Error(`CONNACK ${code} for ${opts.clientId}`);
    }
    return client;
  }

  /** Writes one PUBLISH; false when the socket buffer is full (wait for `drain()`). */
  publish(topic: Buffer, payload: Buffer, qos: 0 | 1, messageId = 0): boolean {
    return this.socket.write(encodePublish(topic, payload, qos, messageId));
  }

  drain(): Promise<void> {
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('drain', () => resolve()));
  }

  close(): void {
    if (this.closed) return;
    this.socket.write(Buffer.from([0xe0, 0x00]));
    this.socket.end();
  }

  private read(data: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    let at = 0;
    for (;;) {
      const header = readHeader(this.buf, at);
      if (!header || header.end > this.buf.length) break;
      const type = (this.buf[at] ?? 0) >> 4;
      if (type === 2) this.connack?.(this.buf[header.start + 1] ?? 255);
      else if (type === 4) this.onPuback(this.buf.readUInt16BE(header.start));
      at = header.end;
    }
    this.buf = this.buf.subarray(at);
  }
}

function readHeader(buf: Buffer, at: number): { start: number; end: number } | undefined {
  let len = 0;
  let mul = 1;
  for (let i = at + 1; i < at + 5; i++) {
    const b = buf[i];
    if (b === undefined) return;
    len += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) return { start: i + 1, end: i + 1 + len };
  }
  return;
}

export function encodePublish(topic: Buffer, payload: Buffer, qos: 0 | 1, messageId: number): Buffer {
  const remaining = 2 + topic.length + (qos ? 2 : 0) + payload.length;
  const lenBytes: number[] = [];
  let x = remaining;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    lenBytes.push(b);
  } while (x > 0);
  const out = Buffer.allocUnsafe(1 + lenBytes.length + remaining);
  let o = 0;
  out[o++] = 0x30 | (qos << 1);
  for (const b of lenBytes) out[o++] = b;
  out.writeUInt16BE(topic.length, o);
  o += 2;
  o += topic.copy(out, o);
  if (qos) {
    out.writeUInt16BE(messageId, o);
    o += 2;
  }
  payload.copy(out, o);
  return out;
}

/** CONNACK 3, server unavailable: worth trying again. */
class BusyError extends Error {
  constructor(clientId: string) {
    super(`CONNACK 3 for ${clientId}`);
  }
}
