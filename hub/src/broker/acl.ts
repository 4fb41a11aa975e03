import { TOPIC_ROOT, topics } from '../../../protocol/index.ts';

/**
 * Topic access for nodes, as pure functions (the broker hooks call them). A node publishes only
 * under its own subtree; it may subscribe there and to the public aggregates; nobody publishes to
 * `$SYS/` or subscribes to `#`. Interop adapters (Tasmota, ESPHome, ...) add their own patterns.
 */

export function mayPublish(node: string, topic: string): boolean {
  if (topic.startsWith('$')) return false;
  return topic.startsWith(topics.nodeSubtree(node));
}

export function maySubscribe(node: string, filter: string): boolean {
  if (filter.startsWith('$')) return false;
  const own = topics.nodeSubtree(node);
  if (filter === `${TOPIC_ROOT}/nodes/${node}/#` || filter.startsWith(own)) return true;
  return filter === `${topics.publicRoot}#` || filter.startsWith(topics.publicRoot);
}
