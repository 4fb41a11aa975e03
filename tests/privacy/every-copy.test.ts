import fs from 'node:fs';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice } from '../support/interop-client.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { MINUTE, Neighbourhood } from './support/neighbourhood.ts';
import { eventually } from './support/public-view.ts';

/**
 * Erasure and sharing changes reach every copy the hub made: the retained Home Assistant configs
 * and states of the household's series, the files in exports/, the federation figure that counted
 * it; and the console says what is left (backups). Copies are read as their subscribers get them: a
 * Home Assistant login and a neighbouring hub's login that connect afresh and take what is retained.
 */
describe('erasure and sharing changes reach every copy', () => {
  let th: TestHub;
  let hood: Neighbourhood;
  let haSecret = '';
  let peerSecret = '';
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    th = await startTestHub();
    haSecret = await addDevice(th, 'device add ha-resident --format homeassistant');
    peerSecret = await addDevice(th, 'device add link-sud --format peer --topic quartier-sud');
    expect((await th.run('ha discovery on')).code).toBe(0);
    hood = new Neighbourhood(th, '');
    await hood.add('shares', 'community', ['power', 'energy']);
    await hood.add('leaves', 'open', ['power', 'energy']);
    for (const n of ['pa', 'pb', 'pc', 'pd']) await hood.add(n, 'private', ['power']);
    const bucket = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    let i = 0;
    for (const m of hood.members.values()) {
      i++;
      await hood.send(m.household, [
        { q: 'power', ts: bucket + 5_000, value: 300 + 10 * i },
        ...(m.quantities.includes('energy')
          ? [{ q: 'energy' as const, ts: bucket + 5_000, value: 5000 }]
          : []),
      ]);
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await hood?.close();
    await th.stop();
  });

  /** What a fresh subscriber is handed as retained, by topic. */
  async function retained(
    username: string,
    password: string,
    filters: string[],
  ): Promise<Map<string, string>> {
    const got = new Map<string, string>();
    const c = await mqtt.connectAsync(th.mqttUrl, {
      username,
      password,
      clientId: username, // a client id is its login's (docs/PROTOCOL.md)
      reconnectPeriod: 0,
      clean: true,
    });
    clients.push(c);
    c.on('message', (topic, payload, packet) => {
      if (packet.retain) got.set(topic, payload.toString());
    });
    await c.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])));
    await new Promise((r) => setTimeout(r, 600));
    await c.endAsync(true);
    return got;
  }
  const haCopies = async (node: string) => {
    const all = await retained('ha-resident', haSecret, ['homeassistant/#', 'communs/v1/ha/#']);
    const key = node.replace(/-/g, '_');
    return [...all].filter(
      ([topic, payload]) => (topic.includes(key) || topic.includes(node)) && payload !== '',
    );
  };

  // first: the other tests withdraw the live figure (a change of sharing, an erasure), and the
  // households here report one minute only, so no figure comes after them
  it('federation stops counting an erased household: the figure that counted it is withdrawn or replaced', async () => {
    const fed = async () => retained('link-sud', peerSecret, ['communs/v1/federation/#']);
    const before = await eventually(async () => {
      const got = (await fed()).get('communs/v1/federation/communs/power');
      return got ? (JSON.parse(got) as { households: number; value: number | null }) : undefined;
    }, 90_000);
    expect(before.households).toBeGreaterThan(0);
    const erased = hood.member('pd');
    expect((await th.run(`household erase ${erased.household} --yes`)).code).toBe(0);
    // at once, and after the publisher's next steps (the erasure marks the minutes it was in as
    // late, and deciding them again must not bring the withdrawn figure back)
    for (const wait of [0, 2_500]) {
      await new Promise((r) => setTimeout(r, wait));
      const after = (await fed()).get('communs/v1/federation/communs/power');
      // either nothing is retained any more, or what is retained was computed without it
      if (after !== undefined && after !== '') {
        const a = JSON.parse(after) as { households: number | null; value: number | null };
        expect(a.households === null || a.households < before.households, `after ${wait} ms`).toBe(true);
      }
    }
  }, 120_000);

  it('a household that turns private: its Home Assistant configs and retained states are emptied', async () => {
    const node = hood.member('shares').node;
    expect(await eventually(async () => ((await haCopies(node)).length >= 2 ? true : undefined))).toBe(true);
    const r = await th.run('household sharing shares private');
    expect(r.code).toBe(0);
    expect(await haCopies(node)).toEqual([]);
    expect(r.output).toMatch(/home assistant/i);
  });

  it('an erased household: its HA copies emptied, its export files removed, the console says what remains', async () => {
    const m = hood.member('leaves');
    expect(await eventually(async () => ((await haCopies(m.node)).length >= 2 ? true : undefined))).toBe(
      true,
    );
    expect((await th.run(`household export ${m.household}`)).code).toBe(0);
    expect((await th.run('export')).code).toBe(0);
    const exportsDir = path.join(th.dataDir, 'exports');
    const files = () => fs.readdirSync(exportsDir).filter((f) => !f.endsWith('.partial'));
    const own = files().filter((f) => f.startsWith(`household-${m.household}-`));
    const open = files().filter((f) => f.startsWith('open-data-'));
    expect(own).toHaveLength(2);
    expect(open).toHaveLength(1);
    expect(fs.readFileSync(path.join(exportsDir, open[0] as string), 'utf8')).toContain(m.node);

    const r = await th.run(`household erase ${m.household} --yes`);
    expect(r.code).toBe(0);
    expect(await haCopies(m.node)).toEqual([]);
    // its own export files are gone; an open-data file that holds its rows is named with the command that removes it
    expect(files().filter((f) => f.startsWith(`household-${m.household}-`))).toEqual([]);
    const stillThere = files().filter((f) => f.startsWith('open-data-'));
    for (const f of stillThere) expect(r.output).toContain(f);
    expect(r.output).toMatch(/rm /);
    expect(r.output).toMatch(/backups/i);
  });
});
