import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoginThrottleOptions } from '../../hub/src/broker/login-throttle.ts';
import { startDemo } from '../../hub/src/demo-access.ts';
import { Hub } from '../../hub/src/hub.ts';
import type { SharingLevel } from '../../protocol/index.ts';

export interface TestHubOptions {
  dataDir?: string;
  demo?: number | false;
  commitWindowMs?: number;
  /** default 0: fold after every commit (see below) */
  foldEveryMs?: number;
  /** false: native readings through aedes (hub/src/broker/fast-path.ts) */
  fastPath?: boolean;
  /** start a new, empty database on purpose (`communs hub --new`) */
  fresh?: boolean;
  /** the commit log's size (default 1 MiB) */
  commitLogBytes?: number;
  /** the dashboard files to serve (default: dashboard/dist) */
  staticRoot?: string;
  /** print the hub's log lines (off: tests stay quiet) */
  verbose?: boolean;
  /** the machine's clock as the hub sees it (default Date.now) */
  now?: () => number;
  /** serve SNTP on a free UDP port (`hub.sntp.port`) */
  ntp?: boolean;
  loginThrottle?: LoginThrottleOptions;
}

export interface TestHub {
  hub: Hub;
  httpUrl: string;
  mqttUrl: string;
  wsUrl: string;
  mqttPort: number;
  httpPort: number;
  dataDir: string;
  /** creates the household if needed (sharing `community` unless said) and the node; returns its secret */
  addNode(id: string, opts?: { household?: string; sharing?: SharingLevel }): Promise<{ secret: string }>;
  addHousehold(id: string, sharing?: SharingLevel, kind?: 'household' | 'place'): void;
  /** runs a console command in the hub; returns its exit status and output */
  run(line: string): Promise<{ code: number; output: string }>;
  /** stops and starts again on the same data directory and the same ports, after `downMs` (default 0) */
  restart(opts?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
  /** stops without removing the data directory (for tests that restart the hub themselves) */
  stopKeepData(): Promise<void>;
  log: string[];
}

/** A real hub in this process: broker and HTTP on free ports, SQLite in a temp directory. */
export async function startTestHub(opts: TestHubOptions = {}): Promise<TestHub> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'communs-test-'));
  const log: string[] = [];
  let stopDemo: (() => Promise<void>) | undefined;
  const make = (httpPort: number, mqttPort: number) =>
    new Hub({
      dataDir,
      httpPort,
      mqttPort,
      host: '127.0.0.1',
      commitWindowMs: opts.commitWindowMs ?? 20,
      // the database file is up to date after every commit, for tests that read it; the hub's own
      // folds (every 15 minutes) are tested in hub/test/readings-store.test.ts
      foldEveryMs: opts.foldEveryMs ?? 0,
      commitLogBytes: opts.commitLogBytes ?? 1024 * 1024,
      ...(opts.fastPath !== undefined ? { fastPath: opts.fastPath } : {}),
      ...(opts.fresh ? { fresh: true } : {}),
      ...(opts.staticRoot ? { staticRoot: opts.staticRoot } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.ntp ? { ntp: { port: 0, required: true } } : {}),
      ...(opts.loginThrottle ? { loginThrottle: opts.loginThrottle } : {}),
      log: (line) => {
        log.push(line);
        if (opts.verbose) console.log(line);
      },
    });
  let hub = make(0, 0);
  let urls = await hub.start();
  const ports = () => ({
    http: Number(new URL(urls.http).port),
    mqtt: Number(new URL(urls.mqtt).port),
  });
  const startDemoIfAsked = async () => {
    if (opts.demo) stopDemo = await startDemo(hub, opts.demo, urls.mqtt);
  };
  await startDemoIfAsked();

  const th: TestHub = {
    get hub() {
      return hub;
    },
    get httpUrl() {
      return urls.http.replace(/\/$/, '');
    },
    get mqttUrl() {
      return urls.mqtt;
    },
    get wsUrl() {
      return urls.ws;
    },
    get mqttPort() {
      return ports().mqtt;
    },
    get httpPort() {
      return ports().http;
    },
    dataDir,
    log,
    addHousehold(id, sharing = 'community', kind = 'household') {
      if (!hub.store.registry.household(id))
        hub.store.registry.addHousehold({ id, name: `Household ${id}`, sharing, kind });
    },
    async addNode(id, o = {}) {
      const household = o.household ?? `h-${id}`;
      th.addHousehold(household, o.sharing ?? 'community');
      return { secret: (await hub.store.registry.addNode({ id, household })).secret };
    },
    async run(line) {
      const out: string[] = [];
      const code = await hub.commands.run(hub.ctx, line, { who: 'test', out: (l) => out.push(l) });
      return { code, output: out.join('\n') };
    },
    async restart(restartOpts = {}) {
      const p = ports();
      await stopDemo?.();
      await hub.stop();
      if (restartOpts.downMs) await new Promise((r) => setTimeout(r, restartOpts.downMs));
      hub = make(p.http, p.mqtt);
      urls = await hub.start();
      await startDemoIfAsked();
    },
    async stopKeepData() {
      await stopDemo?.();
      await hub.stop();
    },
    async stop() {
      await th.stopKeepData();
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return th;
}
