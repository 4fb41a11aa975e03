import type { NodesBody } from '../../../protocol/api.ts';
import { getJson } from './http.ts';

export async function fetchNodes(signal?: AbortSignal): Promise<NodesBody['nodes']> {
  return (await getJson<NodesBody>('/api/nodes', signal)).nodes;
}
