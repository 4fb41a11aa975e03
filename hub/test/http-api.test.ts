import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthBody, NodesBody, RegisterBody, SeriesBody, SettingsBody } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

/** Raw GET, so paths are sent exactly as written (fetch would normalise "..") */
function rawGet(
  port: number,
  p: string,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('HTTP API', () => {
  let th: TestHub;
  const clients: MqttClient[] = [];
  const staticRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-static-'));
  const t0 = Date.now() - 10 * 60_000;

  beforeAll(async () => {
    fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>Communs</title>');
    th = await startTestHub({ staticRoot });
    const homes: Array<[string, 'private' | 'community' | 'open']> = [
      ['open-1', 'open'],
      ['comm-1', 'community'],
      ['priv-1', 'private'],
    ];
    for (const [id, sharing] of homes) {
      const { secret } = await th.addNode(id, { sharing });
      const c = await connectNode(th.mqttUrl, id, secret);
      clients.push(c);
      await sendMeta(c, id, [{ id: 'power', quantity: 'power', unit: 'W' }]);
      await sendReadings(
        c,
        id,
        Array.from(
          { length: 10 },
          (_, i) =>
            ({
              sensor: 'power',
              quantity: 'power',
              unit: 'W',
              value: 100 * (i + 1),
              ts: t0 + i * 30_000,
              seq: i + 1,
            }) as const,
        ),
      );
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync();
    await th.stop();
    fs.rmSync(staticRoot, { recursive: true, force: true });
  });

  it('GET /api/privacy serves the privacy model as plain text, under the same CSP', async () => {
    const res = await fetch(`${th.httpUrl}/api/privacy`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const text = await res.text();
    expect(text).toMatch(/^# Privacy/);
    expect(text).toContain('## The threat model');
    expect(text).toContain('## What each public output may reveal');
  });

  it('GET /api/health answers ok with the schema', async () => {
    const res = await fetch(`${th.httpUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(HealthBody.parse(await res.json()).nodes).toBe(3);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('GET /api/settings gives the tariff, emission factor and hub power budget in the schema', async () => {
    const body = SettingsBody.parse(await (await fetch(`${th.httpUrl}/api/settings`)).json());
    expect(body.hubPowerW).toBeGreaterThan(0);
    expect(body.rawRetentionDays).toBe(30);
  });

  it('GET /api/nodes lists community and open households; private nodes only as counts', async () => {
    const body = NodesBody.parse(await (await fetch(`${th.httpUrl}/api/nodes`)).json());
    const byId = Object.fromEntries(body.nodes.map((n) => [n.id, n]));
    expect(byId['open-1']?.household?.id).toBe('h-open-1');
    expect(byId['comm-1']?.household?.id).toBe('h-comm-1');
    expect(byId['priv-1']).toBeUndefined();
    expect(body.private).toEqual({ households: 1, nodes: 1, sensors: 1 });
  });

  it('GET /api/nodes gives the latest reading of each sensor it shows (private ones are not shown)', async () => {
    const body = NodesBody.parse(await (await fetch(`${th.httpUrl}/api/nodes`)).json());
    const last = (id: string) => body.nodes.find((n) => n.id === id)?.sensors[0]?.last;
    expect(last('open-1')).toEqual({ ts: t0 + 9 * 30_000, value: 1000 });
    expect(last('comm-1')).toEqual({ ts: t0 + 9 * 30_000, value: 1000 });
    expect(body.nodes.some((n) => n.id === 'priv-1')).toBe(false);
  });

  it('GET /api/series returns raw points for a short span, in the schema', async () => {
    const body = SeriesBody.parse(
      await (
        await fetch(`${th.httpUrl}/api/series?sensor=comm-1/power&from=${t0}&to=${t0 + 3_600_000}`)
      ).json(),
    );
    expect(body.step).toBe('raw');
    expect(body.unit).toBe('W');
    expect(body.points.value).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('GET /api/series picks rollups for longer spans and accepts ISO 8601', async () => {
    const from = new Date(t0 - 86_400_000).toISOString();
    const to = new Date(t0 + 86_400_000).toISOString();
    const body = SeriesBody.parse(
      await (await fetch(`${th.httpUrl}/api/series?sensor=open-1/power&from=${from}&to=${to}`)).json(),
    );
    expect(body.step).toBe('minute');
    const total = body.points.value.length;
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(10);
  });

  it('GET /api/series?quantity= withholds a remainder of one private household, with the named part beside', async () => {
    const get = async () =>
      SeriesBody.parse(
        await (await fetch(`${th.httpUrl}/api/series?quantity=power&from=${t0}&to=${t0 + 600_000}`)).json(),
      );
    // the publisher decides minutes once they have settled
    let body = await get();
    for (let i = 0; i < 50 && !body.gaps; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = await get();
    }
    expect(body.series).toBe('collective/power');
    expect(body.points.t).toEqual([]);
    expect(body.gaps?.[0]?.reason).toBe('too_few');
    expect(body.withheld).toMatch(/fewer than 3 private households/);
    expect(body.withheld).toMatch(/^withheld: /);
    expect(body.named?.households).toBe(2);
    expect(body.named?.points.t.length).toBeGreaterThan(0);
  });

  it("a private household's series answers 404 like an unknown one", async () => {
    const priv = await fetch(`${th.httpUrl}/api/series?sensor=priv-1/power`);
    const unknown = await fetch(`${th.httpUrl}/api/series?sensor=ghost/power`);
    expect(priv.status).toBe(404);
    expect(unknown.status).toBe(404);
  });

  const bad: Array<[string, string]> = [
    ['from=yesterday&sensor=comm-1/power', '"from"'],
    ['to=abc&sensor=comm-1/power', '"to"'],
    ['step=weekly&sensor=comm-1/power', '"step"'],
    ['sensor=only-a-node', '"sensor"'],
    ['quantity=happiness', '"quantity"'],
    ['', '"sensor"'],
    [`sensor=comm-1/power&from=${t0}&to=${t0 - 1}`, '"from"'],
    ['sensor=comm-1/power&step=minute&from=0&to=4000000000000', '"step"'],
  ];
  for (const [query, name] of bad) {
    it(`answers 400 naming ${name} for ?${query || '(nothing)'}`, async () => {
      const res = await fetch(`${th.httpUrl}/api/series?${query}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { status: string; error: string };
      expect(body.status).toBe('error');
      expect(body.error).toContain(name);
    });
  }

  it('unknown API paths answer 404 and wrong methods 405, in the envelope', async () => {
    const a = await fetch(`${th.httpUrl}/api/nope`);
    expect(a.status).toBe(404);
    expect(((await a.json()) as { status: string }).status).toBe('error');
    const b = await fetch(`${th.httpUrl}/api/nodes`, { method: 'POST', body: '{}' });
    expect(b.status).toBe(405);
  });

  it('GET /api/export streams only open households, as CSV and NDJSON', async () => {
    const csv = await (await fetch(`${th.httpUrl}/api/export?format=csv`)).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('series,node,sensor,quantity,unit,ts,iso_time,value,demo');
    expect(lines.length).toBe(11);
    expect(csv).not.toContain('comm-1');
    expect(csv).not.toContain('priv-1');
    const nd = await (await fetch(`${th.httpUrl}/api/export?format=ndjson`)).text();
    const rows = nd
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { node: string });
    expect(rows.every((r) => r.node === 'open-1')).toBe(true);
    expect((await fetch(`${th.httpUrl}/api/export?format=xml`)).status).toBe(400);
  });

  it('GET /api/register lists every sensor with its sharing level and retention', async () => {
    const body = RegisterBody.parse(await (await fetch(`${th.httpUrl}/api/register`)).json());
    expect(body.entries).toHaveLength(3);
    expect(body.statement).toMatch(/never leaves the hub/);
    const priv = body.entries.find((e) => e.sharing === 'private');
    // listed, never identified
    expect(priv).toMatchObject({ series: null, node: null, sensor: null, household: null });
    expect(priv?.inOpenData).toBe(false);
    expect(body.entries.find((e) => e.node === 'open-1')?.inOpenData).toBe(true);
  });

  it('GET /api/live streams readings of public series and never of private ones', async () => {
    const controller = new AbortController();
    const res = await fetch(`${th.httpUrl}/api/live`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const collect = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        seen.push(dec.decode(value));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const now = Date.now();
    for (const [i, c] of clients.entries()) {
      const node = ['open-1', 'comm-1', 'priv-1'][i]!;
      await sendReadings(c, node, [
        { sensor: 'power', quantity: 'power', unit: 'W', value: 42, ts: now, seq: 100 },
      ]);
    }
    await new Promise((r) => setTimeout(r, 1500));
    controller.abort();
    await collect;
    const text = seen.join('');
    expect(text).toContain('"node":"open-1"');
    expect(text).toContain('"node":"comm-1"');
    expect(text).not.toContain('priv-1/power');
    expect(text).toContain('event: aggregate');
  });

  it('serves the dashboard with an SPA fallback and never a file outside it', async () => {
    const screen = await rawGet(th.httpPort, '/screen');
    expect(screen.status).toBe(200);
    expect(screen.body).toContain('Communs');
    for (const p of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/assets/../../hub/src/hub.ts',
    ]) {
      const r = await rawGet(th.httpPort, p);
      expect(r.body, p).not.toContain('"name": "communs"');
      expect(r.body, p).not.toContain('export class Hub');
    }
    expect((await rawGet(th.httpPort, '/missing.js')).status).toBe(404);
  });
});
