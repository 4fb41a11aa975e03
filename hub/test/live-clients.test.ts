import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';

interface Opened {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  req: http.ClientRequest;
}

/** Opens GET /api/live and resolves once the status line is in (the stream stays open). */
function openLive(th: TestHub): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${th.httpUrl}/api/live`, (res) => {
      if (res.statusCode === 200) {
        // the first bytes ("retry:") say the stream is registered
        res.once('data', () => resolve({ status: 200, body: '', headers: res.headers, req }));
        return;
      }
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, req }));
    });
    req.on('error', reject);
  });
}

describe('GET /api/live: at most 200 clients at once (default)', () => {
  let th: TestHub;
  const open: Opened[] = [];

  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(async () => {
    for (const o of open) o.req.destroy();
    await th.stop();
  });

  it('the 201st gets 503 with the error envelope and Retry-After; a place freed is taken again', async () => {
    for (let i = 0; i < 200; i++) open.push(await openLive(th));
    expect(open.every((o) => o.status === 200)).toBe(true);
    const refused = await openLive(th);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    const body = JSON.parse(refused.body) as { status: string; error: string };
    expect(body.status).toBe('error');
    expect(body.error).toMatch(/200 live clients/);
    // the API itself still answers, and counts the refusal for the admin
    expect((await fetch(`${th.httpUrl}/api/health`)).status).toBe(200);
    const metrics = await (await fetch(`${th.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^communs_live_clients 200$/m);
    expect(metrics).toMatch(/^communs_live_clients_refused_total 1$/m);

    open.pop()?.req.destroy();
    let again: Opened | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await openLive(th);
      if (again.status === 200) open.push(again);
    }
    expect(again?.status).toBe(200);
  });
});
