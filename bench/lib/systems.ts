import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_SECRET } from '../servers/provision.ts';
import { type ServerChild, startServer } from './child.ts';
import type { Target } from './load.ts';
import { startMosquitto } from './mosquitto.ts';

export interface HubInfo {
  mqttPort: number;
  httpPort: number;
  dataDir: string;
  seeded: Record<string, number>;
}

export type SystemKind = 'hub' | 'hubAedes' | 'aedes' | 'mosquitto';

/** One system under test, whatever it is made of: its processes, its port, how to know it stored. */
export interface System {
  kind: SystemKind;
  label: string;
  pids: number[];
  target: Target;
  /** the hub's HTTP port, for visibility checks */
  httpPort?: number;
  /** resolves once `total` readings (counted since start) are stored; instant where a PUBACK says so */
  waitStored(total: number): Promise<void>;
  /** publish → stored latencies measured by the system itself (the subscriber of (c)) */
  storedLatency?(): Promise<{ n: number; p50: number; p99: number }>;
  hub?: ServerChild<HubInfo>;
  stop(): Promise<void>;
}

export const LABELS: Record<SystemKind, string> = {
  hub: '(a) Communs hub',
  hubAedes: "(a′) Communs hub, readings through aedes' public API (fast path off)",
  aedes: '(b) aedes alone, no storage',
  mosquitto: '(c) mosquitto + SQLite subscriber',
};

export async function startHub(
  opts: {
    nodes: number;
    seedYear?: boolean;
    commitWindowMs?: number;
    fastPath?: boolean;
    foldEveryMs?: number;
    dataDir?: string;
    serveDashboard?: boolean;
    readWorkers?: number;
  },
  nodeArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
  cgroupProcs: readonly string[] = [],
): Promise<System> {
  const hub = await startServer<HubInfo>('hub-server.ts', opts, 600_000, nodeArgs, env, cgroupProcs);
  return {
    kind: 'hub',
    label: LABELS.hub,
    pids: [hub.pid],
    target: { mqttPort: hub.info.mqttPort, password: BENCH_SECRET },
    httpPort: hub.info.httpPort,
    waitStored: async () => {},
    hub,
    stop: () => hub.stop(),
  };
}

export async function startSystem(kind: SystemKind, nodes: number): Promise<System> {
  if (kind === 'hub') return startHub({ nodes });
  if (kind === 'hubAedes')
    return { ...(await startHub({ nodes, fastPath: false })), kind, label: LABELS.hubAedes };
  if (kind === 'aedes') {
    const broker = await startServer<{ mqttPort: number }>('aedes-server.ts', {});
    return {
      kind,
      label: LABELS.aedes,
      pids: [broker.pid],
      target: { mqttPort: broker.info.mqttPort },
      waitStored: async () => {},
      stop: () => broker.stop(),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-bench-mosq-'));
  const mosq = await startMosquitto(dir);
  const sub = await startServer<{ ready: true }>('sqlite-subscriber.ts', {
    mqttPort: mosq.port,
    dataDir: dir,
  });
  return {
    kind,
    label: LABELS.mosquitto,
    pids: [mosq.pid, sub.pid],
    target: { mqttPort: mosq.port },
    waitStored: async (total) => {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const { stored } = await sub.ask<{ stored: number }>({ cmd: 'stats' });
        if (stored >= total) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`the SQLite subscriber did not store ${total} readings in 120 s`);
    },
    storedLatency: () => sub.ask({ cmd: 'latency' }),
    stop: async () => {
      await sub.stop();
      await mosq.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
