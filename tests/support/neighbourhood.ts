import { connectNode, sendMeta, sendReadings } from './mqtt-node.ts';
import type { TestHub } from './test-hub.ts';

/**
 * Three community households, each with a native node that measures power and energy, plus
 * `privates` private households of 50 W (`secret-node`, `secret-node-2`, ...); every node sends one
 * reading of each, timed in the minute before this one (the hub decides collective figures once a
 * minute has settled: docs/PRIVACY.md). Returns the nodes' secrets.
 */
export async function threeHouseholds(
  th: TestHub,
  watts = [100, 200, 300],
  privates = 1,
): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  const nodes = watts.map((w, i) => ({ id: `n${i + 1}`, household: `h${i + 1}`, w }));
  for (let i = 1; i <= privates; i++)
    nodes.push({
      id: i === 1 ? 'secret-node' : `secret-node-${i}`,
      household: i === 1 ? 'h-private' : `h-private-${i}`,
      w: 50,
    });
  const ts = Math.floor(Date.now() / 60_000) * 60_000 - 60_000 + 5_000;
  for (const n of nodes) {
    const sharing = n.household.startsWith('h-private') ? 'private' : 'community';
    const { secret } = await th.addNode(n.id, { household: n.household, sharing });
    secrets[n.id] = secret;
    const c = await connectNode(th.mqttUrl, n.id, secret);
    await sendMeta(c, n.id, [
      { id: 'power', quantity: 'power', unit: 'W' },
      { id: 'energy', quantity: 'energy', unit: 'kWh' },
    ]);
    await sendReadings(c, n.id, [
      { sensor: 'power', quantity: 'power', unit: 'W', value: n.w, ts, seq: 1 },
      { sensor: 'energy', quantity: 'energy', unit: 'kWh', value: 10, ts, seq: 2 },
    ]);
    await c.endAsync();
  }
  return secrets;
}
