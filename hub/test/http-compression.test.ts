import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../dashboard/precompress.ts';
import { NodesBody } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { sendJsonParts } from '../src/http/respond.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** the bytes as they came over the wire */
  wire: Buffer;
}

/** A GET (or HEAD) with exactly the headers given: fetch would add its own Accept-Encoding. */
function get(port: number, p: string, headers: http.OutgoingHttpHeaders, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path: p, headers, method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, wire: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject)
      .end();
  });
}

function decode(a: Answer): string {
  const coding = a.headers['content-encoding'];
  if (coding === 'br') return zlib.brotliDecompressSync(a.wire).toString('utf8');
  if (coding === 'gzip') return zlib.gunzipSync(a.wire).toString('utf8');
  if (coding) throw new Error(`unexpected content-encoding ${coding}`);
  return a.wire.toString('utf8');
}

describe('HTTP compression: precompressed static files, negotiated JSON', () => {
  let th: TestHub;
  let port: number;
  const staticRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-static-'));
  const script = `export const figures = [${Array.from({ length: 400 }, (_, i) => `"value ${i}"`).join(', ')}];\n`;
  const page = `<!doctype html><title>Communs</title><p>${'Le quartier, maintenant. '.repeat(40)}</p>`;

  beforeAll(async () => {
    fs.mkdirSync(path.join(staticRoot, 'assets'));
    fs.writeFileSync(path.join(staticRoot, 'index.html'), page);
    fs.writeFileSync(path.join(staticRoot, 'assets/app-1234.js'), script);
    fs.writeFileSync(path.join(staticRoot, 'favicon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await precompressDir(staticRoot);
    th = await startTestHub({ staticRoot });
    port = Number(new URL(th.httpUrl).port);
    // enough nodes for /api/nodes to be worth compressing
    for (let i = 1; i <= 6; i++) await th.addNode(`maison-${i}`, { sharing: 'community' });
  });
  afterAll(async () => {
    await th.stop();
    fs.rmSync(staticRoot, { recursive: true, force: true });
  });

  it('serves a script precompressed with brotli to a browser that takes it, and says it varies', async () => {
    const a = await get(port, '/assets/app-1234.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(a.status).toBe(200);
    expect(a.headers['content-encoding']).toBe('br');
    expect(a.headers.vary).toMatch(/accept-encoding/i);
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(a.headers['content-length'])).toBe(a.wire.length);
    expect(a.wire.length).toBeLessThan(script.length / 3);
    expect(decode(a)).toBe(script);
  });

  it('serves gzip to a client without brotli, and the file itself to one that asks for nothing', async () => {
    const gz = await get(port, '/assets/app-1234.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz)).toBe(script);
    const plain = await get(port, '/assets/app-1234.js', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.wire.toString('utf8')).toBe(script);
    const refused = await get(port, '/assets/app-1234.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('compresses the page that a dashboard route answers with, HEAD included', async () => {
    const a = await get(port, '/screen', { 'accept-encoding': 'br' });
    expect(a.headers['content-encoding']).toBe('br');
    expect(decode(a)).toBe(page);
    const head = await get(port, '/screen', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(Number(head.headers['content-length'])).toBe(zlib.gzipSync(page, { level: 9 }).length);
    expect(head.wire.length).toBe(0);
  });

  it('leaves files that do not shrink as they are', async () => {
    const a = await get(port, '/favicon.png', { 'accept-encoding': 'br, gzip' });
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.wire.length).toBe(4);
  });

  it('compresses JSON answers as negotiated, with Vary, and the body still parses', async () => {
    const br = await get(port, '/api/nodes', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.wire.length);
    const body = NodesBody.parse(JSON.parse(decode(br)));
    expect(body.nodes).toHaveLength(6);
    const gz = await get(port, '/api/nodes', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decode(gz))).toEqual(body);
    const plain = await get(port, '/api/nodes', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(plain.wire.toString('utf8'))).toEqual(body);
    expect(br.wire.length).toBeLessThan(plain.wire.length / 3);
  });

  it('sends small JSON answers and errors as they are: compressing them would cost more than it saves', async () => {
    const a = await get(port, '/api/nope', { 'accept-encoding': 'br' });
    expect(a.status).toBe(404);
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(a.wire.toString('utf8')).status).toBe('error');
  });

  it('never compresses the live stream, which must reach the screen event by event', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/api/live', headers: { 'accept-encoding': 'br, gzip' } },
        (res) => {
          try {
            expect(res.headers['content-type']).toMatch(/text\/event-stream/);
            expect(res.headers['content-encoding']).toBeUndefined();
            resolve();
          } catch (err) {
            reject(err);
          } finally {
            req.destroy();
          }
        },
      );
      req.on('error', () => {});
    });
  });
});

describe('JSON answers of every size compress to the same text', () => {
  let server: http.Server;
  let port: number;
  /** a chart's columns, `points` numbers each: ~70 bytes a point */
  const chart = (points: number) =>
    JSON.stringify({
      status: 'ok',
      points: {
        t: Array.from({ length: points }, (_, i) => 1_764_900_000_000 + i * 60_000),
        value: Array.from({ length: points }, (_, i) => 150 + Math.sin(i / 40) * 700 + (i % 13) / 7),
        min: Array.from({ length: points }, (_, i) => 140 + Math.sin(i / 40) * 690),
        max: Array.from({ length: points }, (_, i) => 160 + Math.sin(i / 40) * 710 + i / 3),
      },
    });
  const bodies: Record<string, string> = { day: chart(1440), large: chart(6000) };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const body = bodies[(req.url ?? '').slice(1)] ?? '{}';
      // in parts, as the series route answers
      const half = Math.floor(body.length / 2);
      sendJsonParts(res, 200, [body.slice(0, half), Buffer.from(body.slice(half))]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // a day chart (~100 KB) is compressed at once, a larger body in the thread pool: both the same text
  it.each(['day', 'large'])('the %s body in brotli and gzip decodes to the plain answer', async (name) => {
    const text = bodies[name] as string;
    expect(text.length).toBeGreaterThan(name === 'day' ? 90_000 : 300_000);
    for (const coding of ['br', 'gzip']) {
      const a = await get(port, `/${name}`, { 'accept-encoding': coding });
      expect(a.status).toBe(200);
      expect(a.headers['content-encoding']).toBe(coding);
      expect(Number(a.headers['content-length'])).toBe(a.wire.length);
      expect(a.wire.length).toBeLessThan(text.length / 2);
      expect(decode(a)).toBe(text);
    }
    const plain = await get(port, `/${name}`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.wire.toString('utf8')).toBe(text);
  });
});
