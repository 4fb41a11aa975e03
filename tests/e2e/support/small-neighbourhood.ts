import type { MqttClient } from 'mqtt';
import type { Reading, SharingLevel } from '../../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../../support/mqtt-node.ts';
import type { TestHub } from '../../support/test-hub.ts';

/**
 * A few homes and one shared place publishing through the real broker, for browser tests and the
 * preview when the demo neighbourhood is not wanted: enough households (k = 3) for the collective
 * figures, one private home, and a room whose CO2 calls for airing.
 */
export interface Feeder {
  stop(): Promise<void>;
}

interface FedNode {
  id: string;
  client: MqttClient;
  seq: number;
  energyWh: number;
  kind: 'home' | 'room';
}

/** Adds the node, or gives it a fresh secret when the hub already knows it (after a restart). */
async function provision(
  th: TestHub,
  id: string,
  household: string,
  sharing: SharingLevel,
): Promise<{ secret: string }> {
  if (th.hub.store.registry.node(id)) return { secret: await th.hub.store.registry.rotateSecret(id) };
  return th.addNode(id, { household, sharing });
}

export async function feedNeighbourhood(
  th: TestHub,
  opts: { homes?: number; everyMs?: number } = {},
): Promise<Feeder> {
  const homes = opts.homes ?? 4;
  const nodes: FedNode[] = [];
  for (let i = 1; i <= homes; i++) {
    const id = `maison-${String(i).padStart(2, '0')}`;
    const sharing = i === homes ? 'private' : i === 1 ? 'open' : 'community';
    const { secret } = await provision(th, id, `foyer-${i}`, sharing);
    const client = await connectNode(th.mqttUrl, id, secret);
    await sendMeta(client, id, [
      { id: 'power', quantity: 'power', unit: 'W', label: 'Compteur' },
      { id: 'energy', quantity: 'energy', unit: 'Wh', label: 'Index' },
    ]);
    nodes.push({ id, client, seq: 0, energyWh: 1000 * i, kind: 'home' });
  }
  th.addHousehold('salle', 'community', 'place');
  const { secret } = await provision(th, 'salle-air', 'salle', 'community');
  const room = await connectNode(th.mqttUrl, 'salle-air', secret);
  await sendMeta(room, 'salle-air', [
    { id: 'temperature', quantity: 'temperature', unit: '°C' },
    { id: 'humidity', quantity: 'humidity', unit: '%' },
    { id: 'co2', quantity: 'co2', unit: 'ppm' },
  ]);
  nodes.push({ id: 'salle-air', client: room, seq: 0, energyWh: 0, kind: 'room' });

  let tick = 0;
  const publish = async () => {
    tick++;
    const ts = Date.now();
    for (const n of nodes) {
      const readings: Reading[] = [];
      if (n.kind === 'home') {
        // a wandering load so the collective figure visibly changes between readings
        const w = 300 + 200 * Math.sin(tick / 3 + n.energyWh) + 50 * (tick % 7);
        n.energyWh += (w * (opts.everyMs ?? 1000)) / 3_600_000;
        readings.push({
          sensor: 'power',
          quantity: 'power',
          unit: 'W',
          value: Math.round(w),
          ts,
          seq: n.seq++,
        });
        readings.push({
          sensor: 'energy',
          quantity: 'energy',
          unit: 'Wh',
          value: n.energyWh,
          ts,
          seq: n.seq++,
        });
      } else {
        readings.push({
          sensor: 'temperature',
          quantity: 'temperature',
          unit: '°C',
          value: 21.5,
          ts,
          seq: n.seq++,
        });
        readings.push({ sensor: 'humidity', quantity: 'humidity', unit: '%', value: 48, ts, seq: n.seq++ });
        readings.push({ sensor: 'co2', quantity: 'co2', unit: 'ppm', value: 1150 + tick, ts, seq: n.seq++ });
      }
      await sendReadings(n.client, n.id, readings).catch(() => {});
    }
  };
  await publish();
  const timer = setInterval(() => void publish(), opts.everyMs ?? 1000);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(nodes.map((n) => n.client.endAsync().catch(() => {})));
    },
  };
}
