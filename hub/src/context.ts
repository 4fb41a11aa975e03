import type { InteropControl } from './interop/interop.ts';
import type { LiveBus } from './live-bus.ts';
import type { Db } from './store/db.ts';
import type { HouseholdLinks } from './store/household-links.ts';
import type { Registry } from './store/registry.ts';
import type { SeriesQuery } from './store/series-query.ts';
import type { SettingsStore } from './store/settings.ts';

/** What HTTP routes and console commands read; wired by hub.ts, passed explicitly (no singletons). */
export interface HubContext {
  db: Db;
  dataDir: string;
  dbFile: string;
  registry: Registry;
  series: SeriesQuery;
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
  /** households' private links (issue 5) */
  links: HouseholdLinks;
  /** drops erased series from the live collective figure at once (no-op offline) */
  forgetSeries: (sensorIds: number[]) => void;
  /** the latest reading of a gauge series since the hub started (absent when no hub runs) */
  latestReading?: (sensorId: number) => { ts: number; value: number } | undefined;
  /** when the retention purge runs next; null when no hub runs */
  nextPurge: () => number | null;
  /** the hub's base URL for printed links: the `publicUrl` setting, else the address it listens on */
  baseUrl: () => string;
  /** the port MQTT listens on (absent when no broker runs: the offline console) */
  mqttPort?: () => number;
  /** devices, Home Assistant and peers (issue 6); absent when the console runs without a hub */
  interop?: InteropControl;
}
