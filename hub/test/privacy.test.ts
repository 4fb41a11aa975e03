import fs from 'node:fs';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodesBody, RegisterBody, SeriesBody } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { connectNode, getJson, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

/**
 * The privacy model (docs/PRIVACY.md) as each endpoint answers it: for each sharing level of a
 * household A, with 1, 2 and 3 contributing households, and with no token, a wrong, a malformed, a
 * revoked and the right private link. Then A is erased and nothing of it is left.
 */
const LEVELS = ['private', 'community', 'open'] as const;
const BUCKET = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const FROM = BUCKET - 3_600_000;
const TO = BUCKET + 120_000;

type ErrorBody = { status: 'error'; error: string };

describe.each(LEVELS)('a household sharing at level "%s"', (level) => {
  let th: TestHub;
  const clients: MqttClient[] = [];
  const tokens: Record<'none' | 'wrong' | 'malformed' | 'revoked' | 'right', string | undefined> = {
    none: undefined,
    wrong: 'A'.repeat(12) + 'b'.repeat(32),
    malformed: 'not-a-token',
    revoked: undefined,
    right: undefined,
  };
  let seq = 0;

  const api = <T>(path: string, token?: string) =>
    getJson<T>(
      `${th.httpUrl}${path}${token === undefined ? '' : `${path.includes('?') ? '&' : '?'}token=${token}`}`,
    );

  async function household(
    id: string,
    sharing: (typeof LEVELS)[number],
    offset: number,
  ): Promise<MqttClient> {
    const node = `${id}-meter`;
    const { secret } = await th.addNode(node, { household: id, sharing });
    const client = await connectNode(th.mqttUrl, node, secret);
    clients.push(client);
    await sendMeta(client, node, [{ id: 'power', quantity: 'power', unit: 'W', label: `${id} kitchen` }]);
    await sendReadings(client, node, [
      {
        sensor: 'power',
        quantity: 'power',
        unit: 'W',
        value: 100 + offset,
        ts: BUCKET + offset * 1000,
        seq: ++seq,
      },
    ]);
    return client;
  }

  /** The collective once the publisher has decided the minute (it does once the minute has settled). */
  async function settledCollective(token: string | undefined, ready: (b: SeriesBody) => boolean) {
    const path = `/api/series?quantity=power&from=${FROM}&to=${TO}&step=minute`;
    let c = await api<SeriesBody>(path, token);
    // the publisher decides a minute once it closed; a crowded machine may take a while
    for (const end = Date.now() + 30_000; !ready(c.body) && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 100));
      c = await api<SeriesBody>(path, token);
    }
    return c;
  }

  beforeAll(async () => {
    th = await startTestHub();
    const a = await household('house-a', level, 0);
    // a rejected message, so erasure has rejections to remove
    await a.publishAsync('communs/v1/nodes/house-a-meter/readings', '{not json', { qos: 1 });
    tokens.revoked = (await th.run('household link house-a')).output.match(/\/h\/([A-Za-z0-9_-]{44})/)?.[1];
    expect((await th.run('household unlink house-a')).code).toBe(0);
    tokens.right = (await th.run('household link house-a')).output.match(/\/h\/([A-Za-z0-9_-]{44})/)?.[1];
    expect(tokens.revoked).toHaveLength(44);
    expect(tokens.right).toHaveLength(44);
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync().catch(() => {});
    await th.stop();
  });

  for (const contributing of [1, 2, 3]) {
    it(`with ${contributing} contributing household(s): what each endpoint returns for each token`, async () => {
      if (contributing === 2) await household('house-b', 'community', 1);
      if (contributing === 3) await household('house-c', 'community', 2);

      // the named households' series add up in public; a private household's part is withheld
      // while fewer than 3 private households contribute: for everyone, its owner included
      const sum = 100 * contributing + (contributing * (contributing - 1)) / 2;
      for (const t of Object.values(tokens)) {
        const c = await settledCollective(t, (b) =>
          level === 'private'
            ? (b.gaps?.length ?? 0) > 0 && b.named?.households === contributing - 1
            : b.points.value[0] === sum,
        );
        expect(c.status).toBe(200);
        if (level === 'private') {
          expect(c.body.points.t).toEqual([]);
          expect(c.body.withheld).toMatch(/fewer than 3 private households/);
        } else {
          expect(c.body.withheld).toBeUndefined();
          expect(c.body.households).toBe(contributing);
          expect(c.body.points.value).toEqual([sum]);
        }
      }

      const noToken = await api<ErrorBody>('/api/household');
      expect(noToken).toEqual({ status: 404, body: { status: 'error', error: 'unknown or revoked link' } });
      const seriesPath = `/api/series?sensor=house-a-meter/power&from=${FROM}&to=${TO}`;
      const seriesNoToken = await api<SeriesBody | ErrorBody>(seriesPath);
      for (const [name, t] of Object.entries(tokens)) {
        const h = await api<{ household: { id: string; sharing: string }; nodes: NodesBody['nodes'] }>(
          '/api/household',
          t,
        );
        const s = await api<SeriesBody | ErrorBody>(seriesPath, t);
        if (name === 'right') {
          expect(h.status).toBe(200);
          expect(h.body.household).toEqual({
            id: 'house-a',
            name: 'Household house-a',
            kind: 'household',
            sharing: level,
          });
          expect(h.body.nodes.map((n) => [n.id, n.household?.id, n.sensors[0]?.label])).toEqual([
            ['house-a-meter', 'house-a', 'house-a kitchen'],
          ]);
          expect(s.status).toBe(200);
          expect((s.body as SeriesBody).points.value).toEqual([100]);
        } else {
          // a wrong, malformed or revoked link answers exactly as no link
          expect(h, `token ${name}`).toEqual(noToken);
          expect(s, `token ${name}`).toEqual(seriesNoToken);
        }
      }
      if (level === 'private') {
        expect(seriesNoToken).toEqual({
          status: 404,
          body: { status: 'error', error: 'no public series "house-a-meter/power"' },
        });
      } else expect((seriesNoToken.body as SeriesBody).points.value).toEqual([100]);

      // a private household's node is not listed in public, only counted
      const nodesBody = (await api<NodesBody>('/api/nodes')).body;
      const a = nodesBody.nodes.find((n) => n.id === 'house-a-meter');
      expect(a?.household?.id ?? null).toBe(level === 'private' ? null : 'house-a');
      expect(a?.sensors[0]?.label ?? null).toBe(level === 'private' ? null : 'house-a kitchen');
      expect(nodesBody.private.nodes).toBe(level === 'private' ? 1 : 0);
      const register = (await api<RegisterBody>('/api/register')).body.entries;
      const entry = register.find((e) =>
        level === 'private' ? e.sharing === 'private' : e.node === 'house-a-meter',
      );
      expect(entry?.household ?? null).toBe(level === 'private' ? null : 'Household house-a');
      expect(entry?.node ?? null).toBe(level === 'private' ? null : 'house-a-meter');
      expect(entry?.inOpenData).toBe(level === 'open');
      const csv = await (await fetch(`${th.httpUrl}/api/export?format=csv&from=${FROM}`)).text();
      expect(csv.includes('house-a-meter')).toBe(level === 'open');
    }, 60_000);
  }

  it('the live stream carries its readings only when its level is community or open', async () => {
    const controller = new AbortController();
    const res = await fetch(`${th.httpUrl}/api/live`, { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const [a, b] = clients;
    await sendReadings(a as MqttClient, 'house-a-meter', [
      { sensor: 'power', quantity: 'power', unit: 'W', value: 111, ts: Date.now(), seq: ++seq },
    ]);
    await sendReadings(b as MqttClient, 'house-b-meter', [
      { sensor: 'power', quantity: 'power', unit: 'W', value: 222, ts: Date.now(), seq: ++seq },
    ]);
    while (!text.includes('house-b-meter/power'))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    // node events name the node, as /api/nodes does; readings of a private series never go out
    expect(text.includes('"series":"house-a-meter/power"')).toBe(level !== 'private');
  });

  it('erasure leaves nothing of the household behind, on any endpoint or in the database', async () => {
    const sensorIds = th.hub.store.registry.sensorsOf('house-a-meter').map((s) => s.id);
    const r = await th.run('household erase house-a --yes');
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/house-a erased: 1 node\(s\), 2 raw readings, \d+ rollups, 1 rejections/);
    const all = Object.values(tokens);
    for (const t of all) {
      expect(await api('/api/household', t)).toEqual({
        status: 404,
        body: { status: 'error', error: 'unknown or revoked link' },
      });
      expect((await api(`/api/series?sensor=house-a-meter/power&from=${FROM}`, t)).status).toBe(404);
    }
    const dump = JSON.stringify([
      (await api('/api/nodes')).body,
      (await api('/api/register')).body,
      await (await fetch(`${th.httpUrl}/api/export?format=ndjson&from=0`)).text(),
    ]);
    expect(dump).not.toContain('house-a');
    // two named households remain (101 + 102 W): the minute is decided again without it
    expect((await settledCollective(undefined, (b) => b.points.value[0] === 203)).body.points.value).toEqual([
      203,
    ]);
    const db = hubDb(th.hub);
    const count = (sql: string, ...p: unknown[]) =>
      db
        .prepare(sql)
        .pluck()
        .get(...p) as number;
    const ids = sensorIds.join(',') || 'NULL';
    expect(count(`SELECT count(*) FROM all_readings WHERE sensor_id IN (${ids})`)).toBe(0);
    expect(count(`SELECT count(*) FROM rollups WHERE sensor_id IN (${ids})`)).toBe(0);
    expect(count("SELECT count(*) FROM rejections WHERE node_id = 'house-a-meter'")).toBe(0);
    expect(count("SELECT count(*) FROM rejection_counts WHERE node_id = 'house-a-meter'")).toBe(0);
    expect(count("SELECT count(*) FROM household_links WHERE household_id = 'house-a'")).toBe(0);
    expect(count("SELECT count(*) FROM nodes WHERE id = 'house-a-meter'")).toBe(0);
    expect(count("SELECT count(*) FROM audit WHERE what LIKE 'erase household house-a%'")).toBe(1);
    // no trace in the file either: erased rows are zeroed (secure_delete), the log truncated
    const file = path.join(th.dataDir, 'communs.db');
    const bytes = Buffer.concat(
      [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
    );
    const audits = count("SELECT count(*) FROM audit WHERE what LIKE '%house-a-meter%'");
    expect(bytes.includes('house-a-meter') ? 'found' : 'gone').toBe(audits > 0 ? 'found' : 'gone');
    // its node was cut off and cannot come back with its old secret
    expect(clients[0]?.connected).toBe(false);
  });
});
