/**
 * Malformed MQTT 3.1.1 packets written for Communs, byte by byte (clause ids from the OASIS
 * standard). Each case says what it sends after an optional valid CONNECT; the test checks the
 * broker survives it, answers health, stores nothing from it.
 */
export interface BadCase {
  name: string;
  /** send a valid CONNECT first (the case tests what an authenticated client can do) */
  afterConnect: boolean;
  bytes: Buffer;
}

function remaining(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function str(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

export function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first, ...remaining(body.length)]), body]);
}

export function connect(
  user: string,
  pass: string,
  opts: { level?: number; flags?: number; name?: string } = {},
): Buffer {
  const flags = opts.flags ?? 0xc2; // username, password, clean session
  const body = Buffer.concat([
    str(opts.name ?? 'MQTT'),
    Buffer.from([opts.level ?? 4, flags, 0, 30]),
    str(`${user}:corpus-${Math.random().toString(16).slice(2, 8)}`),
    str(user),
    str(pass),
  ]);
  return packet(0x10, body);
}

function publish(topic: string | Buffer, payload: string, qos = 0, id = 1, flags = 0): Buffer {
  const parts = [str(topic)];
  if (qos > 0) parts.push(Buffer.from([id >> 8, id & 0xff]));
  parts.push(Buffer.from(payload));
  return packet(0x30 | (qos << 1) | flags, Buffer.concat(parts));
}

function subscribe(filter: string | Buffer, flags = 0x02): Buffer {
  return packet(0x80 | flags, Buffer.concat([Buffer.from([0, 9]), str(filter), Buffer.from([0])]));
}

const JUNK = Buffer.alloc(1024 * 1024, 0x41);
/** a valid readings payload: only the packet around it is wrong */
const READING = (_node: string) =>
  JSON.stringify({
    readings: [{ sensor: 'p', quantity: 'power', unit: 'W', value: 1, ts: Date.now(), seq: 1 }],
  });

export function corpus(node: string, secret: string): BadCase[] {
  const own = `communs/v1/nodes/${node}/readings`;
  const pre = (name: string, ...b: Buffer[]): BadCase => ({
    name,
    afterConnect: false,
    bytes: Buffer.concat(b),
  });
  const post = (name: string, ...b: Buffer[]): BadCase => ({
    name,
    afterConnect: true,
    bytes: Buffer.concat(b),
  });
  return [
    pre('remaining length of 5 bytes (§2.2.3 allows 4)', Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])),
    pre('huge length before CONNECT, then 1 MB', Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]), JUNK),
    post('huge PUBLISH length after CONNECT, then 1 MB', Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]), JUNK),
    pre('truncated CONNECT', connect(node, secret).subarray(0, 11)),
    post('truncated PUBLISH then close', publish(own, READING(node), 1).subarray(0, 20)),
    pre('first packet is PUBLISH (MQTT-3.1.0-1)', publish(own, READING(node))),
    pre('CONNECT with protocol level 9 (MQTT-3.1.2-2)', connect(node, secret, { level: 9 })),
    pre('CONNECT with protocol name "MQTX"', connect(node, secret, { name: 'MQTX' })),
    pre('CONNECT with the reserved flag set (MQTT-3.1.2-3)', connect(node, secret, { flags: 0xc3 })),
    pre(
      'CONNECT with a password but no username flag (MQTT-3.1.2-22)',
      connect(node, secret, { flags: 0x42 }),
    ),
    post('second CONNECT (MQTT-3.1.0-2)', connect(node, secret)),
    post('PUBLISH with QoS 3 (MQTT-3.3.1-4)', publish(own, READING(node), 3)),
    post('PUBLISH QoS 1 with packet id 0 (MQTT-2.3.1-1)', publish(own, READING(node), 1, 0)),
    post('SUBSCRIBE with flags 0000 (MQTT-3.8.1-1)', subscribe(own, 0)),
    post('PUBREL with flags 0000 (MQTT-3.6.1-1)', packet(0x60, Buffer.from([0, 1]))),
    post('reserved packet type 15', packet(0xf0, Buffer.alloc(0))),
    post('reserved packet type 0', packet(0x00, Buffer.alloc(0))),
    post(
      'invalid UTF-8 in a topic (MQTT-1.5.3-1)',
      publish(Buffer.from([0x63, 0xc3, 0x28, 0x2f]), READING(node), 1),
    ),
    post('U+0000 in a topic (MQTT-1.5.3-2)', publish(`${own}\u0000x`, READING(node), 1)),
    post('zero-length topic (MQTT-4.7.3-1)', publish('', READING(node), 1)),
    post(
      '"+" wildcard in a PUBLISH topic (MQTT-3.3.2-2)',
      publish(`communs/v1/nodes/${node}/+`, READING(node), 1),
    ),
    post('"#" as a PUBLISH topic', publish('#', READING(node), 1)),
    post('101-level topic', publish(`${'a/'.repeat(100)}a`, READING(node), 1)),
    post('101-level subscription', subscribe(`${'a/'.repeat(100)}a`)),
    post('$SYS publish', publish('$SYS/broker/clients/total', '9999', 1)),
    post('zero-length subscription filter (MQTT-4.7.3-1)', subscribe('')),
    post('malformed filter "a/#/b" (MQTT-4.7.1-2)', subscribe('a/#/b')),
    post('SUBSCRIBE with no topic (MQTT-3.8.3-3)', packet(0x82, Buffer.from([0, 9]))),
    post(
      'UNSUBSCRIBE with wrong flags',
      packet(0xa0, Buffer.concat([Buffer.from([0, 9]), Buffer.from([0, 1, 0x61])])),
    ),
    post('PINGREQ with a body', packet(0xc0, Buffer.from([1, 2, 3]))),
    post('DISCONNECT with a body', packet(0xe0, Buffer.from([1]))),
    post('PUBACK for an id never sent', packet(0x40, Buffer.from([0x12, 0x34]))),
    post('a stream of 10,000 PINGREQ', Buffer.alloc(20_000, 0).fill(Buffer.from([0xc0, 0x00]))),
  ];
}

/** A QoS 2 PUBLISH sent twice with the same id before PUBREL (MQTT-4.3.3): stored once. */
export function qos2Reuse(node: string, reading: string): Buffer {
  const p = publish(`communs/v1/nodes/${node}/readings`, reading, 2, 77);
  return Buffer.concat([p, p]);
}
