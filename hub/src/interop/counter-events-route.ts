import { ID_PATTERN } from '../../../protocol/index.ts';
import type { CounterEventsBody } from '../../../protocol/interop/counter-events.ts';
import { HttpError } from '../http/respond.ts';
import { isPublicDetail } from '../privacy.ts';
import type { Store } from '../store/store.ts';

/** The last 50 counter events of a node that shares its detail (community or open); 404 otherwise. */
export function counterEvents(store: Store, params: URLSearchParams): CounterEventsBody {
  const { registry } = store;
  const node = params.get('node') ?? '';
  if (!ID_PATTERN.test(node))
    throw new HttpError(400, `"node" must be a node id, got "${node.slice(0, 40)}"`);
  const row = registry.node(node);
  const household = row?.household_id ? registry.household(row.household_id) : undefined;
  if (!row || !isPublicDetail(household)) throw new HttpError(404, `no public node "${node}"`);
  const events = store.counterEvents.lastOf(node, 50);
  return { status: 'ok', node, events };
}
