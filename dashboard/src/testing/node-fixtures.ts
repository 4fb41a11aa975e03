import type { NodeInfo, SensorInfo } from '../../../protocol/api.ts';

/** Test data: a NodeInfo with sensible defaults, overridden per test. */
export function nodeFixture(patch: Partial<NodeInfo> & { id: string }): NodeInfo {
  return {
    name: patch.id,
    household: null,
    sharing: 'community',
    demo: true,
    board: null,
    state: 'online',
    lastSeen: 0,
    accepted: 0,
    rejected: 0,
    gaps: 0,
    rejectedByReason: {},
    lastRejections: [],
    rssi: null,
    battery: null,
    powerW: null,
    boardMessages: null,
    clockOffsetMs: null,
    sensors: [],
    ...patch,
  };
}

export function sensorFixture(
  node: string,
  id: string,
  quantity: SensorInfo['quantity'],
  unit: string,
  last: SensorInfo['last'] = null,
): SensorInfo {
  return { id, series: `${node}/${id}`, quantity, unit, sourceUnit: unit, label: null, last };
}
