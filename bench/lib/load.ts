import { RawClient } from './raw-mqtt.ts';
import { readingPayload, readingsTopic } from './readings.ts';

export interface Target {
  mqttPort: number;
  /** credentials, for the hub; the bare brokers take anyone */
  password?: string;
}

/** Timestamps of fast runs: unique per series across every round, and inside the hub's window. */
let tsCursor = Date.now() - 3 * 3_600_000;

export interface FastResult {
  readings: number;
  elapsedMs: number;
  rate: number;
}

/**
 * One fast client, saturating: QoS 1 pipelined with at most `window` unacknowledged publishes, or
 * QoS 0 written as fast as the socket takes it and closed by one QoS 1 publish, whose PUBACK
 * (in order, MQTT-4.6.0-2) says that everything before it was processed.
 */
export async function fastRun(
  target: Target,
  opts: { node: string; qos: 0 | 1; count: number; window: number },
): Promise<FastResult> {
  const client = await RawClient.connect(target.mqttPort, {
    clientId: `${opts.node}:fast-${Math.random().toString(16).slice(2, 8)}`,
    username: opts.node,
    ...(target.password ? { password: target.password } : {}),
  });
  const topic = readingsTopic(opts.node);
  const base = tsCursor;
  tsCursor += opts.count + 1;
  const payload = (i: number) => readingPayload(base + i, base + i, 100 + (i % 50));
  const started = performance.now();
  if (opts.qos === 1) {
    await new Promise<void>((resolve) => {
      let sent = 0;
      let acked = 0;
      const pump = () => {
        while (sent < opts.count && sent - acked < opts.window) {
          client.publish(topic, payload(sent), 1, (sent % 65_535) + 1);
          sent++;
        }
      };
      client.onPuback = () => {
        acked++;
        if (acked === opts.count) resolve();
        else pump();
      };
      pump();
    });
  } else {
    for (let i = 0; i < opts.count; i++) {
      if (!client.publish(topic, payload(i), 0)) await client.drain();
    }
    await new Promise<void>((resolve) => {
      client.onPuback = () => resolve();
      client.publish(topic, payload(opts.count), 1, 1);
    });
  }
  const elapsedMs = performance.now() - started;
  client.close();
  return { readings: opts.count, elapsedMs, rate: (opts.count / elapsedMs) * 1000 };
}

export interface SlowResult {
  published: number;
  acked: number;
  /** publish → PUBACK, ms */
  ackLatencies: number[];
}

/**
 * Many slow clients: `clients` connections (node ids from `nodeOf`), each publishing one QoS 1
 * reading every `periodMs` at a random phase, for `durationMs` or until `signal` aborts. Each
 * reading carries its send time as `ts`, so a subscriber or a poller can tell when it became
 * visible. `onPublish` lets the caller sample readings for visibility checks; `onAck` gets each
 * publish → PUBACK latency as it arrives, for callers that split a run into phases.
 */
export async function slowRun(
  target: Target,
  opts: {
    clients: number;
    periodMs: number;
    durationMs: number;
    nodeOf: (i: number) => string;
    onPublish?: (node: string, ts: number) => void;
    onAck?: (latencyMs: number) => void;
    signal?: AbortSignal;
  },
): Promise<SlowResult> {
  const clients: RawClient[] = [];
  for (let i = 0; i < opts.clients; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(i + 50, opts.clients); j++) {
      batch.push(
        RawClient.connect(target.mqttPort, {
          clientId: `${opts.nodeOf(j)}:slow`,
          username: opts.nodeOf(j),
          ...(target.password ? { password: target.password } : {}),
        }),
      );
    }
    clients.push(...(await Promise.all(batch)));
  }
  const result: SlowResult = { published: 0, acked: 0, ackLatencies: [] };
  const timers: NodeJS.Timeout[] = [];
  const end = Date.now() + opts.durationMs;
  clients.forEach((client, i) => {
    const node = opts.nodeOf(i);
    const topic = readingsTopic(node);
    const sentAt = new Map<number, number>();
    let seq = 0;
    client.onPuback = (id) => {
      const t = sentAt.get(id);
      if (t === undefined) return;
      sentAt.delete(id);
      const latency = performance.now() - t;
      result.acked++;
      result.ackLatencies.push(latency);
      opts.onAck?.(latency);
    };
    const send = () => {
      if (Date.now() >= end || opts.signal?.aborted) return;
      const ts = Date.now();
      seq++;
      sentAt.set(seq % 65_535 || 1, performance.now());
      client.publish(topic, readingPayload(ts, ts, 100 + (seq % 50)), 1, seq % 65_535 || 1);
      result.published++;
      opts.onPublish?.(node, ts);
      timers.push(setTimeout(send, opts.periodMs));
    };
    timers.push(setTimeout(send, Math.random() * opts.periodMs));
  });
  await new Promise<void>((resolve) => {
    if (opts.signal?.aborted) return resolve();
    const timer = setTimeout(resolve, opts.durationMs);
    opts.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  // the last publishes get their PUBACKs: 2 s, longer (up to 10 s) while some are still missing
  for (let waited = 0; waited < 2000 || (result.acked < result.published && waited < 10_000); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const t of timers) clearTimeout(t);
  for (const c of clients) c.close();
  return result;
}

/** Connects `count` idle clients and keeps them open until `close` is called. */
export async function idleClients(
  target: Target,
  count: number,
  nodeOf: (i: number) => string,
): Promise<{ close: () => void }> {
  const clients: RawClient[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(i + 50, count); j++) {
      batch.push(
        RawClient.connect(target.mqttPort, {
          clientId: `${nodeOf(j)}:idle`,
          username: nodeOf(j),
          ...(target.password ? { password: target.password } : {}),
        }),
      );
    }
    clients.push(...(await Promise.all(batch)));
  }
  return {
    close: () => {
      for (const c of clients) c.close();
    },
  };
}

/**
 * An hour of a neighbourhood in fast motion: each of `clients` nodes sends `perClient` readings
 * stamped over the last hour, QoS 1 with up to 50 in flight.
 */
export async function replayHour(
  target: Target,
  opts: { clients: number; perClient: number; nodeOf: (i: number) => string },
): Promise<number> {
  const hourAgo = Date.now() - 3_600_000;
  const step = Math.floor(3_600_000 / opts.perClient);
  const one = async (i: number) => {
    const node = opts.nodeOf(i);
    const client = await RawClient.connect(target.mqttPort, {
      clientId: `${node}:replay`,
      username: node,
      ...(target.password ? { password: target.password } : {}),
    });
    const topic = readingsTopic(node);
    await new Promise<void>((resolve) => {
      let sent = 0;
      let acked = 0;
      const pump = () => {
        while (sent < opts.perClient && sent - acked < 50) {
          const ts = hourAgo + sent * step + (i % 97);
          client.publish(topic, readingPayload(ts, ts, 100 + (sent % 50)), 1, (sent % 65_535) + 1);
          sent++;
        }
      };
      client.onPuback = () => {
        acked++;
        if (acked === opts.perClient) resolve();
        else pump();
      };
      pump();
    });
    client.close();
  };
  for (let i = 0; i < opts.clients; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, opts.clients - i) }, (_, j) => one(i + j)));
  }
  return opts.clients * opts.perClient;
}
