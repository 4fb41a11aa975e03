import { connectNode, sendMeta, sendReadings } from './mqtt-node.ts';
import type { TestHub } from './test-hub.ts';

/**
 * Three households (the k = 3 minimum), each with a native node that measures power and energy,
 * plus one private household; every node sends one reading of each now. Returns the nodes' secrets.
 */
export async function threeHouseholds(th: TestHub, watts = [100, 200, 300]): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  const nodes = watts.map((w, i) => ({ id: `n${i + 1}`, household: `h${i + 1}`, w }));
  nodes.push({ id: 'secret-node', household: 'h-private', w: 50 });
  for (const n of nodes) {
    const sharing = n.household === 'h-private' ? 'private' : 'community';
    const { secret } = await th.addNode(n.id, { household: n.household, sharing });
    secrets[n.id] = secret;
    const c = await connectNode(th.mqttUrl, n.id, secret);
    await sendMeta(c, n.id, [
      { id: 'power', quantity: 'power', unit: 'W' },
      { id: 'energy', quantity: 'energy', unit: 'kWh' },
    ]);
    const ts = Date.now();
    await sendReadings(c, n.id, [
      { sensor: 'power', quantity: 'power', unit: 'W', value: n.w, ts, seq: 1 },
      { sensor: 'energy', quantity: 'energy', unit: 'kWh', value: 10, ts, seq: 2 },
    ]);
    await c.endAsync();
  }
  return secrets;
}
