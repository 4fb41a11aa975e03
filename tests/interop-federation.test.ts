import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeighboursBody } from '../protocol/interop/federation.ts';
import { hubDb } from './support/hub-db.ts';
import { addDevice, until } from './support/interop-client.ts';
import { threeHouseholds } from './support/neighbourhood.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

async function neighbours(th: TestHub): Promise<NeighboursBody> {
  return (await (await fetch(`${th.httpUrl}/api/neighbours`)).json()) as NeighboursBody;
}

describe('interop: federation between neighbourhood hubs', () => {
  let nord: TestHub;
  let sud: TestHub;

  beforeAll(async () => {
    [nord, sud] = await Promise.all([startTestHub(), startTestHub()]);
    nord.hub.store.settings.set('neighbourhood', 'Quartier Nord');
    sud.hub.store.settings.set('neighbourhood', 'Quartier Sud');
    // Sud gives Nord's link a login that may speak only for quartier-nord
    const secret = await addDevice(sud, 'device add link-nord --format peer --topic quartier-nord');
    const added = await nord.run(`peer add sud ${sud.mqttUrl} --user link-nord --password ${secret}`);
    expect(added.code).toBe(0);
    // three private households on each side: the remainder beyond the named ones passes k = 3
    await threeHouseholds(nord, [100, 200, 300], 3);
    await threeHouseholds(sud, [1000, 1000, 1000], 3);
  });
  afterAll(async () => {
    await nord.stop();
    await sud.stop();
  });

  it("each hub shows the other quartier's collective aggregate", async () => {
    // the figure of the minute once it has settled: wait for the one that covers all six households
    const power = (th: TestHub, hood: string) =>
      until(async () => {
        const body = await neighbours(th);
        const a = body.neighbourhoods.find((n) => n.neighbourhood === hood)?.aggregates;
        const p = a?.find((x) => x.quantity === 'power');
        return p?.households === 6 ? p : undefined;
      }, 30_000);
    expect(await power(sud, 'Quartier Nord')).toMatchObject({ value: 750, households: 6, unit: 'W' });
    // private households count, anonymously, in their own quartier's figure (3 × 50 W each side)
    expect((await power(nord, 'Quartier Sud')).value).toBe(3150);
  });

  it('none of the individual data crosses: no node, household or reading of Nord exists at Sud', async () => {
    const body = JSON.stringify(await neighbours(sud));
    expect(body).not.toMatch(/"n1"|h-private|secret-node|power-l|sensor/);
    const nodes = hubDb(sud.hub).prepare('SELECT id FROM nodes').all() as { id: string }[];
    expect(nodes.map((n) => n.id).sort()).toEqual([
      'link-nord',
      'n1',
      'n2',
      'n3',
      'secret-node',
      'secret-node-2',
      'secret-node-3',
    ]);
    // Sud's nodes hold their own readings only (1000 W, 50 W), never Nord's 100/200/300 W
    const values = hubDb(sud.hub)
      .prepare(
        "SELECT value FROM all_readings r JOIN sensors s ON s.id = r.sensor_id WHERE s.quantity = 'power'",
      )
      .all() as { value: number }[];
    expect(values.map((v) => v.value).sort()).toEqual([1000, 1000, 1000, 50, 50, 50]);
  });

  it("a peer's login may not speak for another quartier nor read node topics", async () => {
    const refused = sud.hub.interop.federation.receive(
      'communs/v1/federation/quartier-est/power',
      Buffer.from('{}'),
      'quartier-nord',
    );
    expect(refused?.reason).toBe('topic_denied');
    expect(sud.hub.interop.router.maySubscribe('link-nord', 'communs/v1/nodes/#')).toBe(false);
    expect(sud.hub.interop.router.maySubscribe('link-nord', 'communs/v1/federation/#')).toBe(true);
  });
});
