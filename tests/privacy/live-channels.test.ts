import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice } from '../support/interop-client.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { breaches, type Candidate, describe as describeBreaches } from './support/adversary.ts';
import { MINUTE, Neighbourhood } from './support/neighbourhood.ts';
import { eventually, everyPublicText, recordLive } from './support/public-view.ts';

/**
 * The live channels, as their subscribers get them: Server-Sent Events, the public MQTT topics (a
 * resident's node login), Home Assistant's discovery and state topics (a resident's HA login) and
 * the federation topics (a neighbouring hub's login). Two named households and one private one
 * report in the same minute; the adversary subtracts the named readings from every collective
 * figure it is given, and searches every message for the private household's identifiers.
 */
describe('adversary: the live channels', () => {
  let th: TestHub;
  let hood: Neighbourhood;
  const mqttSeen: { topic: string; payload: string; client: string }[] = [];
  const clients: MqttClient[] = [];
  let live: ReturnType<typeof recordLive>;
  const values = { n1: 1200, n2: 800, p1: 430 };
  let bucket = 0;

  beforeAll(async () => {
    th = await startTestHub();
    live = recordLive(th);
    await live.ready;
    // a resident's node, a resident's Home Assistant, a neighbouring hub's link
    const resident = await th.addNode('resident-node', { household: 'resident-home', sharing: 'community' });
    const haSecret = await addDevice(th, 'device add ha-resident --format homeassistant');
    const peerSecret = await addDevice(th, 'device add link-sud --format peer --topic quartier-sud');
    expect((await th.run('ha discovery on')).code).toBe(0);
    const subscribe = async (name: string, username: string, password: string, filters: string[]) => {
      const c = await mqtt.connectAsync(th.mqttUrl, {
        username,
        password,
        clientId: username,
        reconnectPeriod: 0,
      });
      c.on('message', (topic, payload) =>
        mqttSeen.push({ topic, payload: payload.toString(), client: name }),
      );
      await c.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])));
      clients.push(c);
    };
    await subscribe('resident', 'resident-node', resident.secret, ['communs/v1/public/#']);
    await subscribe('ha', 'ha-resident', haSecret, ['homeassistant/#', 'communs/v1/ha/#']);
    await subscribe('peer', 'link-sud', peerSecret, ['communs/v1/federation/#']);

    hood = new Neighbourhood(th, '');
    await hood.add('n1', 'community', ['power']);
    await hood.add('n2', 'open', ['power']);
    await hood.add('hidden-home', 'private', ['power']);
    bucket = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    const ts = bucket + 5_000;
    await hood.send('n1', [{ q: 'power', ts, value: values.n1 }]);
    await hood.send('n2', [{ q: 'power', ts, value: values.n2 }]);
    await hood.send('hidden-home', [{ q: 'power', ts, value: values.p1 }]);
    // the hub speaks about that minute on every channel (a figure, or that it is withheld)
    await eventually(
      () => live.events.find((e) => e.event === 'aggregate' && e.data.quantity === 'power') ?? undefined,
      90_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
  }, 120_000);
  afterAll(async () => {
    live?.stop();
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await hood?.close();
    await th.stop();
  });

  const named = values.n1 + values.n2;
  const truth = () => new Map([['hidden-home', values.p1]]);
  const numbers = (text: string): number[] => {
    try {
      const v = JSON.parse(text);
      if (typeof v === 'number') return [v];
      if (v && typeof v === 'object' && typeof v.value === 'number') return [v.value];
    } catch {
      // not JSON
    }
    return [];
  };

  it('no collective figure on SSE, public MQTT, Home Assistant or federation minus the named readings gives the private one away', () => {
    const candidates: Candidate[] = [];
    for (const e of live.events)
      if (e.event === 'aggregate' && e.data.quantity === 'power' && typeof e.data.value === 'number')
        candidates.push({ how: 'SSE aggregate − named', bucket, value: e.data.value - named });
    for (const m of mqttSeen) {
      if (!/collective\/power$|public\/power$|federation\/[^/]+\/power$/.test(m.topic)) continue;
      for (const v of numbers(m.payload))
        candidates.push({ how: `${m.client} ${m.topic} − named`, bucket, value: v - named });
    }
    const found = breaches(candidates, truth);
    expect(found, describeBreaches(found)).toEqual([]);
  });

  it('the private household appears nowhere by its node or household id', async () => {
    const text = [
      await everyPublicText(th, 0),
      live.text(),
      ...mqttSeen.map((m) => `${m.topic} ${m.payload}`),
    ].join('\n');
    const p = hood.member('hidden-home');
    expect(text.includes(p.node), `node id ${p.node} in public outputs`).toBe(false);
    expect(text.includes(p.household), `household id ${p.household} in public outputs`).toBe(false);
  });
});
