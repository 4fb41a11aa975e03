import type { NodeState } from '../../protocol/index.ts';
import type { NodeRow } from './store/registry.ts';

/** A node silent for this long is late; for OFFLINE_MS, offline. */
export const LATE_MS = 2 * 60_000;
export const OFFLINE_MS = 15 * 60_000;

export function nodeState(row: NodeRow, now: number): NodeState {
  if (row.last_seen === null) return 'never';
  if (row.status === 'offline') return 'offline';
  const silent = now - row.last_seen;
  if (silent > OFFLINE_MS) return 'offline';
  if (silent > LATE_MS) return 'late';
  return 'online';
}
