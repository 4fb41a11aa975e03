import Database from 'better-sqlite3';
import type { Hub } from '../../hub/src/hub.ts';

const views = new WeakMap<Hub, Database.Database>();

/**
 * A read-only connection of its own to a running hub's database file, as a resident's `sqlite3`
 * shell would open it: tests check what reached the file, never through the hub's own connection.
 */
export function hubDb(hub: Hub): Database.Database {
  let db = views.get(hub);
  if (!db?.open) {
    db = new Database(hub.dbFile, { readonly: true, fileMustExist: true });
    views.set(hub, db);
  }
  return db;
}
