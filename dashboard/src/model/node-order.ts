import type { NodeInfo, NodeState } from '../../../protocol/api.ts';

const URGENCY: Readonly<Record<NodeState, number>> = { offline: 0, late: 1, never: 2, online: 3 };

/**
 * Nodes in the order a repair volunteer needs them: offline, then late, then never seen, then
 * online; within a state, the ones rejecting readings first, then by id.
 */
export function orderForRepair(nodes: readonly NodeInfo[]): NodeInfo[] {
  return [...nodes].sort(
    (a, b) =>
      URGENCY[a.state] - URGENCY[b.state] ||
      Number(b.rejected > 0) - Number(a.rejected > 0) ||
      a.id.localeCompare(b.id),
  );
}
