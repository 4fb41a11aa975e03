import path from 'node:path';
import type { HubContext } from './context.ts';
import { DataLock } from './data-lock.ts';
import { VERSION } from './hub.ts';
import { LiveBus } from './live-bus.ts';
import { openDb } from './store/db.ts';
import { Store } from './store/store.ts';

/**
 * A context over the database alone, for `communs console` when no hub runs. It takes the data
 * directory's lock, so a hub cannot start half-way through a command.
 */
export function openOfflineContext(dataDir: string): { ctx: HubContext; close: () => void } {
  const lock = new DataLock(dataDir);
  lock.acquire();
  const store = new Store({ db: openDb({ file: path.join(dataDir, 'communs.db') }) });
  const { registry, settings } = store;
  const ctx: HubContext = {
    store,
    dataDir,
    registry,
    settings,
    bus: new LiveBus(),
    version: VERSION,
    startedAt: Date.now(),
    now: Date.now,
    ingestState: () => ({ pending: 0, lastCommitTs: null }),
    notices: new Set(['the hub is not running: this console works on the database directly']),
    disconnectNode: () => 0,
    connectedNodes: () => new Set(),
    forgetSeries: () => {},
    nextPurge: () => null,
    baseUrl: () => settings.get().publicUrl.replace(/\/$/, '') || 'http://HUB-ADDRESS:8080',
  };
  return {
    ctx,
    close: () => {
      store.close();
      lock.release();
    },
  };
}
