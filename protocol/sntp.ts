/**
 * SNTP on the wire (RFC 4330; NTPv4 packet of RFC 5905 §7.3), the part the hub's time server and
 * the node agent's time client share. 48 bytes, big-endian:
 *
 *   0  LI (2 bits) | VN (3) | Mode (3)     1 stratum    2 poll    3 precision (log2 s, signed)
 *   4  root delay (16.16 s)                8 root dispersion (16.16 s)    12 reference id
 *   16 reference timestamp   24 originate timestamp   32 receive timestamp   40 transmit timestamp
 *
 * Timestamps are 32.32 fixed-point seconds since 1900-01-01 UTC; the seconds wrap in 2036, and
 * RFC 4330 §3 reads a value with its top bit clear as the next era (2036-2104).
 */
export const NTP_PACKET_BYTES = 48;
export const NTP_PORT = 123;
const UNIX_TO_NTP_S = 2_208_988_800;
const TWO_32 = 2 ** 32;

export const NTP_MODE = { client: 3, server: 4, broadcast: 5 } as const;
/** leap indicator 3: the clock is not synchronised; clients must not set their time from it */
export const LI_ALARM = 3;
/** on-wire stratum 16: unsynchronised (RFC 5905 §7.3) */
export const STRATUM_UNSYNCHRONISED = 16;

export function writeTimestamp(buf: Buffer, offset: number, ms: number): void {
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * TWO_32);
  buf.writeUInt32BE((seconds + UNIX_TO_NTP_S) % TWO_32, offset);
  buf.writeUInt32BE(fraction, offset + 4);
}

export function readTimestamp(buf: Buffer, offset: number): number {
  const raw = buf.readUInt32BE(offset);
  const seconds = raw >= 0x80000000 ? raw : raw + TWO_32;
  const fraction = buf.readUInt32BE(offset + 4);
  return (seconds - UNIX_TO_NTP_S) * 1000 + (fraction / TWO_32) * 1000;
}

export interface SntpHeader {
  leap: number;
  version: number;
  mode: number;
  stratum: number;
}

/** The first bytes of a packet, or a reason it is not one. */
export function readHeader(buf: Buffer): SntpHeader | string {
  if (buf.length < NTP_PACKET_BYTES)
    return `${buf.length} bytes, an NTP packet has at least ${NTP_PACKET_BYTES}`;
  const first = buf.readUInt8(0);
  const version = (first >> 3) & 7;
  if (version < 1 || version > 4) return `NTP version ${version}, expected 1 to 4`;
  return { leap: first >> 6, version, mode: first & 7, stratum: buf.readUInt8(1) };
}

export interface ReplyFields {
  request: Buffer;
  /** when the request arrived and when the reply leaves, on the server's clock (epoch ms) */
  receiveMs: number;
  transmitMs: number;
  /** false: the reply carries the alarm, so clients keep their own time */
  synchronised: boolean;
  stratum: number;
  /** four ASCII characters for a local clock, e.g. "LOCL" */
  referenceId: string;
}

/** A server-mode reply (RFC 4330 §5) to a client request; the request has been checked by the caller. */
export function buildReply(f: ReplyFields): Buffer {
  const out = Buffer.alloc(NTP_PACKET_BYTES);
  const version = (f.request.readUInt8(0) >> 3) & 7;
  const leap = f.synchronised ? 0 : LI_ALARM;
  out.writeUInt8((leap << 6) | (version << 3) | NTP_MODE.server, 0);
  out.writeUInt8(f.synchronised ? f.stratum : STRATUM_UNSYNCHRONISED, 1);
  // the client's poll interval, kept within RFC 5905's 4..17
  out.writeUInt8(Math.min(17, Math.max(4, f.request.readUInt8(2))), 2);
  // the hub's clock ticks in milliseconds: 2^-10 s
  out.writeInt8(-10, 3);
  out.writeUInt32BE(0, 4);
  // 10 ms of root dispersion: well inside the 1.5 s clients accept (RFC 5905 MAXDIST)
  out.writeUInt32BE(Math.round(0.01 * 65536), 8);
  out.write(f.referenceId.padEnd(4, '\0').slice(0, 4), 12, 'ascii');
  writeTimestamp(out, 16, f.receiveMs);
  // originate: the client's transmit timestamp, copied bit for bit so it can match the reply
  f.request.copy(out, 24, 40, 48);
  writeTimestamp(out, 32, f.receiveMs);
  writeTimestamp(out, 40, f.transmitMs);
  return out;
}

/** A client request (mode 3, version 4) sent at `transmitMs` on the client's clock. */
export function buildRequest(transmitMs: number): Buffer {
  const out = Buffer.alloc(NTP_PACKET_BYTES);
  out.writeUInt8((4 << 3) | NTP_MODE.client, 0);
  writeTimestamp(out, 40, transmitMs);
  return out;
}

export interface Sample {
  /** add to the client's clock to get the server's */
  offsetMs: number;
  /** round trip minus the server's own processing time */
  delayMs: number;
  stratum: number;
}

/**
 * Checks a reply against the request it answers (RFC 4330 §5: mode, alarm, stratum, originate
 * timestamp) and computes the clock offset and the round-trip delay from the four timestamps.
 */
export function readReply(reply: Buffer, request: Buffer, receivedMs: number): Sample | string {
  const h = readHeader(reply);
  if (typeof h === 'string') return h;
  if (h.mode !== NTP_MODE.server) return `mode ${h.mode}, a server answers with mode 4`;
  if (h.leap === LI_ALARM || h.stratum === 0 || h.stratum >= STRATUM_UNSYNCHRONISED)
    return 'the server says its own clock is not synchronised';
  if (!reply.subarray(24, 32).equals(request.subarray(40, 48))) return 'the reply answers another request';
  if (reply.readUInt32BE(40) === 0 && reply.readUInt32BE(44) === 0) return 'the reply has no transmit time';
  const t1 = readTimestamp(request, 40);
  const t2 = readTimestamp(reply, 32);
  const t3 = readTimestamp(reply, 40);
  const t4 = receivedMs;
  return { offsetMs: (t2 - t1 + (t3 - t4)) / 2, delayMs: t4 - t1 - (t3 - t2), stratum: h.stratum };
}
