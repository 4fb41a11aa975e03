import path from 'node:path';
import type { HubContext } from './context.ts';
import { DataLock } from './data-lock.ts';
import { VERSION } from './hub.ts';
import { LiveBus } from './live-bus.ts';
import { openDb } from './store/db.ts';
import { HouseholdLinks } from './store/household-links.ts';
import { Registry } from './store/registry.ts';
import { SeriesQuery } from './store/series-query.ts';
import { SettingsStore } from './store/settings.ts';
import { TariffStore } from './store/tariff-store.ts';

/**
 * A context over the database alone, for `communs console` when no hub runs. It takes the data
 * directory's lock, so a hub cannot start half-way through a command.
 */
export function openOfflineContext(dataDir: string): { ctx: HubContext; close: () => void } {
  const lock = new DataLock(dataDir);
  lock.acquire();
  const dbFile = path.join(dataDir, 'communs.db');
  const db = openDb({ file: dbFile });
  const registry = new Registry({ db });
  registry.load();
  const settings = new SettingsStore({ db });
  settings.load();
  const ctx: HubContext = {
    db,
    dataDir,
    dbFile,
    registry,
    series: new SeriesQuery({ db }),
    settings,
    tariffs: new TariffStore({ db }),
    bus: new LiveBus(),
    version: VERSION,
    startedAt: Date.now(),
    now: Date.now,
    ingestState: () => ({ pending: 0, lastCommitTs: null }),
    notices: new Set(['the hub is not running: this console works on the database directly']),
    disconnectNode: () => 0,
    connectedNodes: () => new Set(),
    links: new HouseholdLinks({ db }),
    forgetSeries: () => {},
    nextPurge: () => null,
    baseUrl: () => settings.get().publicUrl.replace(/\/$/, '') || 'http://HUB-ADDRESS:8080',
  };
  return {
    ctx,
    close: () => {
      db.close();
      lock.release();
    },
  };
}
