import path from 'node:path';
import type { HubContext } from './context.ts';
import { DataLock } from './data-lock.ts';
import { VERSION } from './hub.ts';
import { LiveBus } from './live-bus.ts';
import { ingestTimings } from './metrics/histogram.ts';
import { openDb } from './store/db.ts';
import { Store } from './store/store.ts';
import { NODE_AHEAD_MS, TrustedClock } from './time/trusted-clock.ts';

/**
 * A context over the database alone, for `communs console` when no hub runs. It takes the data
 * directory's lock, so a hub cannot start half-way through a command.
 */
export function openOfflineContext(dataDir: string): { ctx: HubContext; close: () => void } {
  const lock = new DataLock(dataDir);
  lock.acquire();
  let store: Store;
  try {
    store = new Store({ db: openDb({ file: path.join(dataDir, 'communs.db') }) });
  } catch (err) {
    // a database this console cannot open (newer, damaged) must not keep the hub out
    lock.release();
    throw err;
  }
  const { registry, settings } = store;
  // `time set` here is kept for this boot of the machine and taken up by the hub when it starts
  const clock = new TrustedClock({
    system: Date.now,
    store: store.clock,
    aheadMs: NODE_AHEAD_MS,
    log: () => {},
  });
  clock.check();
  const notices = new Set(['the hub is not running: this console works on the database directly']);
  const clockNotice = clock.state().notice;
  if (clockNotice) notices.add(clockNotice);
  const ctx: HubContext = {
    store,
    dataDir,
    registry,
    settings,
    bus: new LiveBus(),
    version: VERSION,
    startedAt: Date.now(),
    now: clock.now,
    ingestState: () => ({ pending: 0, lastCommitTs: null }),
    notices,
    disconnectNode: () => 0,
    connectedNodes: () => new Set(),
    nextPurge: () => null,
    baseUrl: () => settings.get().publicUrl.replace(/\/$/, '') || 'http://HUB-ADDRESS:8080',
    clock,
    metrics: {
      timings: ingestTimings(),
      broker: () => undefined,
      backupsDir: path.join(dataDir, 'backups'),
    },
  };
  return {
    ctx,
    close: () => {
      store.close();
      lock.release();
    },
  };
}
