import { ID_PATTERN } from './ids.ts';
import type { Quantity } from './quantities.ts';

/**
 * The native MQTT topics. Versioned under `communs/v1/` so that a later payload format can live
 * beside this one while old nodes are still in the field.
 *
 *   communs/v1/nodes/<node>/readings   batched readings (QoS 1), see readings.ts
 *   communs/v1/nodes/<node>/status     retained; last will {"state":"offline"}
 *   communs/v1/nodes/<node>/meta       retained self-description (board, sensors, units)
 *   communs/v1/public/<quantity>       retained collective aggregates published by the hub (k >= 3)
 *   communs/v1/public/signal           retained: the neighbourhood signal (docs/COLLECTIVE.md)
 */
export const TOPIC_ROOT = 'communs/v1';
export const NODE_CHANNELS = ['readings', 'status', 'meta'] as const;
export type NodeChannel = (typeof NODE_CHANNELS)[number];

export const topics = {
  readings: (node: string) => `${TOPIC_ROOT}/nodes/${node}/readings`,
  status: (node: string) => `${TOPIC_ROOT}/nodes/${node}/status`,
  meta: (node: string) => `${TOPIC_ROOT}/nodes/${node}/meta`,
  /** the subtree a node owns: it may publish and subscribe here, nowhere else under communs/ */
  nodeSubtree: (node: string) => `${TOPIC_ROOT}/nodes/${node}/`,
  publicAggregate: (q: Quantity | string) => `${TOPIC_ROOT}/public/${q}`,
  /** the neighbourhood signal (protocol/signal.ts), retained: no quantity is named `signal` */
  publicSignal: `${TOPIC_ROOT}/public/signal`,
  publicRoot: `${TOPIC_ROOT}/public/`,
};

export interface NodeTopic {
  node: string;
  channel: NodeChannel;
}

/** Parses `communs/v1/nodes/<node>/<channel>`; anything else gives `undefined`. */
export function parseNodeTopic(topic: string): NodeTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'communs' || parts[1] !== 'v1' || parts[2] !== 'nodes') return;
  const node = parts[3] ?? '';
  const channel = parts[4] as NodeChannel;
  if (!ID_PATTERN.test(node) || !NODE_CHANNELS.includes(channel)) return;
  return { node, channel };
}
