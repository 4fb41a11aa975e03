import type { InteropControl } from './interop/interop.ts';
import type { LiveBus } from './live-bus.ts';
import type { MetricsSources } from './metrics/hub-figures.ts';
import type { Registry } from './store/registry.ts';
import type { SettingsStore } from './store/settings.ts';
import type { Store } from './store/store.ts';
import type { TrustedClock } from './time/trusted-clock.ts';
import type { Together } from './together.ts';

/** What HTTP routes and console commands read; wired by hub.ts, passed explicitly (no singletons). */
export interface HubContext {
  /** the database's readers and writers (SQL lives there only) */
  store: Store;
  dataDir: string;
  /** the store's registry and settings, used everywhere */
  registry: Registry;
  settings: SettingsStore;
  bus: LiveBus;
  version: string;
  startedAt: number;
  now: () => number;
  /** readings waiting for the next group commit, and the last commit time */
  ingestState: () => { pending: number; lastCommitTs: number | null };
  /** conditions people should know about: disk full, restored from backup */
  notices: Set<string>;
  /** cuts a node's connections (revocation); 0 when no broker runs (offline console) */
  disconnectNode: (node: string) => number;
  connectedNodes: () => Set<string>;
  /** the newest live collective figures (absent offline) */
  liveFigures?: () => import('../../protocol/index.ts').LiveAggregate[];
  /**
   * A household was erased or stopped sharing: withdraws every copy the running hub published of it
   * (live figures, Home Assistant entities) and says what it did; absent offline
   */
  withdrawHousehold?: (w: { series: { node: string; sensor: string }[] }) => Promise<string[]>;
  /** when the retention purge runs next; null when no hub runs */
  nextPurge: () => number | null;
  /** the hub's base URL for printed links: the `publicUrl` setting, else the address it listens on */
  baseUrl: () => string;
  /** the port MQTT listens on (absent when no broker runs: the offline console) */
  mqttPort?: () => number;
  /** devices, Home Assistant and peers; absent when the console runs without a hub */
  interop?: InteropControl;
  /** what `/metrics` and `status` count */
  metrics: MetricsSources;
  /** the hub's time and whether it is trusted (`time set` on the console) */
  clock: TrustedClock;
  /** the SNTP server: its port, or why it is off; absent when no hub runs */
  ntp?: () => NtpState;
  /** the signal, challenges and production (docs/COLLECTIVE.md); absent when no hub runs */
  together?: Together;
}

export interface NtpState {
  port: number | null;
  off: string | undefined;
  counters: { answered: number; unsynchronised: number; ignored: number } | undefined;
}
