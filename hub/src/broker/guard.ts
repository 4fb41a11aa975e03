import { Duplex } from 'node:stream';

/**
 * A guard in front of aedes, which has no maximum packet size (moscajs/aedes#831) and would buffer
 * whatever length a client announces. The guard frames MQTT packets itself (MQTT 3.1.1 §2.2: type
 * byte, then 1–4 bytes of "remaining length") and cuts the connection as soon as a fixed header
 * says so, before the body is buffered: the first packet is not CONNECT (MQTT-3.1.0-1), the CONNECT
 * is larger than `maxConnectBytes`, a later packet is larger than `maxPacketBytes`, the length is
 * malformed, or CONNECT has not fully arrived within `connectTimeoutMs`.
 *
 * aedes receives whole packets only. Once the client is connected, each PUBLISH is first offered to
 * the `fastPath` (the readings fast path, hub/src/broker/fast-path.ts): a packet it takes never
 * reaches aedes. A packet is offered only when aedes has read everything handed to it before, so
 * the hub sees a connection's messages in the order they arrived.
 */
export interface GuardOptions {
  maxPacketBytes: number;
  maxConnectBytes: number;
  connectTimeoutMs: number;
  onReject?: (reason: string) => void;
}

export interface FastPath {
  /**
   * Takes a whole PUBLISH packet (`body` = offset past the fixed header) or declines it (false: it
   * goes to aedes). A taken packet must end in exactly one `settle` call on the guard.
   */
  take(packet: Buffer, body: number): boolean;
}

const CONNECT = 1;
const PUBLISH = 3;
/**
 * Taken packets not yet settled before the guard stops reading the socket (a slow disk): as with
 * aedes, which reads no more until a read is acknowledged, a node cannot queue without bound.
 */
const MAX_UNSETTLED = 1024;

export class MqttGuard extends Duplex {
  readonly remoteAddress: string | undefined;
  /** set by the broker once aedes has connected the client */
  fastPath: FastPath | undefined;
  private readonly inner: Duplex;
  private readonly opts: GuardOptions;
  private timer: NodeJS.Timeout | undefined;
  private packets = 0;
  /** bytes of an incomplete packet, kept until the rest arrives */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** total size of the incomplete packet once its header is known, else 0 */
  private partialNeed = 0;
  private unsettled = 0;
  /** packet ids of PUBACKs settled but not written yet */
  private acks: number[] = [];
  /** aedes asked for no more data (its buffer is full) */
  private readFull = false;
  private writeFull = false;

  constructor(inner: Duplex, opts: GuardOptions, remoteAddress?: string) {
    super({ allowHalfOpen: false });
    this.inner = inner;
    this.opts = opts;
    this.remoteAddress = remoteAddress;
    this.timer = setTimeout(() => this.reject('no CONNECT in time'), opts.connectTimeoutMs);
    inner.on('data', (chunk: Buffer) => this.received(chunk));
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
  }

  /**
   * Acknowledges a packet the fast path took (a PUBACK for packet id `id` > 0; nothing for QoS 0).
   * The PUBACKs settled in one go (a commit's callbacks) leave in one write, at the end of the
   * microtask or before anything aedes writes, whichever comes first, so their order holds.
   */
  settle(id: number): void {
    this.unsettled--;
    if (this.destroyed) return;
    if (id > 0) {
      if (this.acks.length === 0) queueMicrotask(() => this.sendAcks());
      this.acks.push(id);
    }
    this.flow();
  }

  override write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    if (this.acks.length > 0) this.sendAcks();
    return (super.write as (c: unknown, e?: unknown, cb?: unknown) => boolean)(chunk, encoding, cb);
  }

  private sendAcks(): void {
    const ids = this.acks;
    if (ids.length === 0 || this.destroyed) return;
    this.acks = [];
    const buf = Buffer.allocUnsafe(4 * ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      buf[4 * i] = 0x40;
      buf[4 * i + 1] = 0x02;
      buf[4 * i + 2] = id >> 8;
      buf[4 * i + 3] = id & 0xff;
    }
    if (!super.write(buf) && !this.writeFull) {
      // a client that does not read its acknowledgements is not read either
      this.writeFull = true;
      this.once('drain', () => {
        this.writeFull = false;
        this.flow();
      });
      this.flow();
    }
  }

  override _read(): void {
    this.readFull = false;
    this.flow();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.inner.destroyed) return cb();
    this.inner.write(chunk, cb);
  }

  /**
   * A group commit releases hundreds of PUBACKs at once. Handing the ones that queued up behind the
   * first to the socket corked sends them in one writev instead of one syscall each.
   */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    cb: (err?: Error | null) => void,
  ): void {
    if (this.inner.destroyed) return cb();
    this.inner.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.inner.write((chunks[i] as { chunk: Buffer }).chunk);
    this.inner.write((chunks[chunks.length - 1] as { chunk: Buffer }).chunk, cb);
    this.inner.uncork();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.inner.destroy();
    cb(err);
  }

  private flow(): void {
    if (this.destroyed) return;
    if (this.readFull || this.writeFull || this.unsettled >= MAX_UNSETTLED) this.inner.pause();
    else this.inner.resume();
  }

  private reject(reason: string): void {
    this.opts.onReject?.(reason);
    this.destroy();
  }

  private received(chunk: Buffer): void {
    if (this.destroyed) return;
    let buf = chunk;
    if (this.partialBytes > 0) {
      this.partial.push(chunk);
      this.partialBytes += chunk.length;
      // a large packet arriving in many reads is joined once, when it is complete
      if (this.partialNeed > 0 && this.partialBytes < this.partialNeed) return;
      buf = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      this.partialNeed = 0;
    }
    let pos = 0;
    /** start of the bytes not yet handed to aedes */
    let run = 0;
    while (pos < buf.length) {
      const framed = this.frame(buf, pos);
      if (typeof framed === 'string') return this.reject(framed);
      if (framed === undefined) break;
      const { type, body, end } = framed;
      if (end > buf.length) {
        this.partialNeed = end - pos;
        break;
      }
      this.packetDone();
      // offered only when aedes has read all it was given: it sees the packets before this one first
      if (type === PUBLISH && this.fastPath && run === pos && this.readableLength === 0) {
        this.unsettled++;
        if (this.fastPath.take(buf.subarray(pos, end), body - pos)) run = end;
        else this.unsettled--;
      }
      pos = end;
    }
    if (pos > run) this.forward(buf.subarray(run, pos));
    if (pos < buf.length) {
      this.partial = [buf.subarray(pos)];
      this.partialBytes = buf.length - pos;
    }
    this.flow();
  }

  /**
   * Reads the fixed header at `pos`: undefined while it is incomplete, a string when the connection
   * must end, else the packet's type, where its body starts and where it ends.
   */
  private frame(buf: Buffer, pos: number): { type: number; body: number; end: number } | string | undefined {
    let length = 0;
    let multiplier = 1;
    let i = pos + 1;
    for (;;) {
      if (i >= buf.length) return undefined;
      const b = buf[i++] as number;
      length += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) break;
      if (i - pos > 4) return 'malformed remaining length';
      multiplier *= 128;
    }
    const type = (buf[pos] as number) >> 4;
    const size = i - pos + length;
    if (this.packets === 0 && type !== CONNECT) return 'first packet is not CONNECT';
    if (this.packets === 0 && size > this.opts.maxConnectBytes)
      return `CONNECT of ${size} bytes is too large`;
    if (size > this.opts.maxPacketBytes) return `packet of ${size} bytes is over ${this.opts.maxPacketBytes}`;
    return { type, body: i, end: i + length };
  }

  private forward(bytes: Buffer): void {
    if (!this.push(bytes)) this.readFull = true;
  }

  private packetDone(): void {
    if (this.packets++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
