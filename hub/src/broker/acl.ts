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

/** MQTT topic matching (MQTT-4.7.1): `+` one level, `#` this level and all below. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when every topic `filter` can match is matched by `allowed` (a subscription inside an ACL entry). */
export function filterWithin(filter: string, allowed: string): boolean {
  const f = filter.split('/');
  const a = allowed.split('/');
  for (let i = 0; i < f.length; i++) {
    if (a[i] === '#') return true;
    if (a[i] === undefined || f[i] === '#') return false;
    if (a[i] !== '+' && (f[i] === '+' || f[i] !== a[i])) return false;
  }
  return f.length === a.length;
}
