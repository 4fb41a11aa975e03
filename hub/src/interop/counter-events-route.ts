import { ID_PATTERN } from '../../../protocol/index.ts';
import type { CounterEvent, CounterEventsBody } from '../../../protocol/interop/counter-events.ts';
import { HttpError } from '../http/respond.ts';
import { isPublicDetail } from '../privacy.ts';
import type { Db } from '../store/db.ts';
import type { Registry } from '../store/registry.ts';

/** The last 50 counter events of a node that shares its detail (community or open); 404 otherwise. */
export function counterEvents(db: Db, registry: Registry, params: URLSearchParams): CounterEventsBody {
  const node = params.get('node') ?? '';
  if (!ID_PATTERN.test(node))
    throw new HttpError(400, `"node" must be a node id, got "${node.slice(0, 40)}"`);
  const row = registry.node(node);
  const household = row?.household_id ? registry.household(row.household_id) : undefined;
  if (!row || !isPublicDetail(household)) throw new HttpError(404, `no public node "${node}"`);
  const events = db
    .prepare(
      `SELECT s.sensor AS sensor, e.ts AS ts, e.kind AS kind, e.previous AS previous, e.current AS current
       FROM counter_events e JOIN sensors s ON s.id = e.sensor_id
       WHERE s.node_id = ? ORDER BY e.ts DESC LIMIT 50`,
    )
    .all(node) as CounterEvent[];
  return { status: 'ok', node, events };
}
