import http from 'node:http';
import type os from 'node:os';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { HostCheck } from '../src/http/host-check.ts';

/** One request with a chosen Host header (fetch does not let a page set it either). */
function request(
  th: TestHub,
  path: string,
  host: string,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: th.httpPort, path, method, headers: { host } },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
          // an SSE stream that was let in never ends: its status is enough
          if (res.statusCode === 200 && path === '/api/live') req.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP: the hub answers only to its own names and addresses (DNS rebinding)', () => {
  let th: TestHub;

  beforeAll(async () => {
    th = await startTestHub();
  });
  afterAll(() => th.stop());

  it('listening on 127.0.0.1: its address and the localhost names are served, with or without the port', async () => {
    const port = th.httpPort;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'LOCALHOST',
      `[::1]:${port}`,
      'localhost.',
    ]) {
      expect((await request(th, '/api/health', host)).status, host).toBe(200);
    }
  });

  it('any other name gets 421 with the error envelope, on every path: API, SSE, dashboard, /data.php', async () => {
    const port = th.httpPort;
    for (const [path, method] of [
      ['/api/health', 'GET'],
      ['/api/nodes', 'GET'],
      ['/api/live', 'GET'],
      ['/', 'GET'],
      ['/data.php', 'POST'],
    ] as const) {
      const res = await request(th, path, `rebind.attacker.example:${port}`, method);
      expect(res.status, path).toBe(421);
      const body = JSON.parse(res.body) as { status: string; error: string };
      expect(body.status).toBe('error');
      expect(body.error).toMatch(/rebind\.attacker\.example/);
      expect(body.error).toMatch(/settings set url/);
    }
    // an address the hub does not listen on is not one of its names either
    expect((await request(th, '/api/health', `192.0.2.7:${port}`)).status).toBe(421);
  });

  it('the `url` setting adds its name', async () => {
    const name = 'communs.quartier.lan';
    expect((await request(th, '/api/health', name)).status).toBe(421);
    expect((await th.run(`settings set url http://${name}:${th.httpPort}`)).code).toBe(0);
    expect((await request(th, '/api/health', `${name}:${th.httpPort}`)).status).toBe(200);
    expect((await th.run('settings set url none')).code).toBe(0);
  });

  it('MQTT over WebSocket at /mqtt: served under its own address, refused (421) under another name', async () => {
    const { secret } = await th.addNode('ws-host');
    const ok = await mqtt.connectAsync(th.wsUrl, {
      username: 'ws-host',
      password: secret,
      clientId: 'ws-host',
      reconnectPeriod: 0,
    });
    await ok.endAsync();
    const refused = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: th.httpPort,
        path: '/mqtt',
        headers: {
          host: 'rebind.attacker.example',
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
          'sec-websocket-protocol': 'mqtt',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => resolve(101));
      req.on('error', reject);
      req.end();
    });
    expect(refused).toBe(421);
  });
});

describe('HostCheck: the allow-list', () => {
  const interfaces = {
    lo: [
      { address: '127.0.0.1', family: 'IPv4' },
      { address: '::1', family: 'IPv6' },
    ],
    eth0: [
      { address: '192.168.1.10', family: 'IPv4' },
      { address: 'fe80::1', family: 'IPv6', scopeid: 2 },
    ],
  } as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  const check = (listenHost: string, url = '') =>
    new HostCheck({
      listenHost,
      url: () => url,
      hostname: () => 'raspberrypi',
      interfaces: () => interfaces,
    });

  it('on 0.0.0.0 (and ::): the hostname, hostname.local, every interface address and the localhost names', () => {
    for (const listen of ['0.0.0.0', '::']) {
      const c = check(listen);
      for (const host of [
        'raspberrypi',
        'RaspberryPi.local:8080',
        '192.168.1.10:8080',
        '[fe80::1]',
        'localhost',
        '127.0.0.1',
      ]) {
        expect(c.allows(host), `${listen} ${host}`).toBe(true);
      }
      expect(c.allows('evil.example')).toBe(false);
      expect(c.allows('192.168.1.11')).toBe(false);
    }
  });

  it('on one LAN address: that address and the hostname, not the localhost names', () => {
    const c = check('192.168.1.10');
    expect(c.allows('192.168.1.10:8080')).toBe(true);
    expect(c.allows('raspberrypi.local')).toBe(true);
    expect(c.allows('localhost')).toBe(false);
    expect(c.allows('127.0.0.1')).toBe(false);
  });

  it('a request without a Host header (HTTP/1.0, no browser) is let through; an empty or malformed one is not', () => {
    const c = check('127.0.0.1');
    expect(c.allows(undefined)).toBe(true);
    expect(c.allows('')).toBe(false);
    expect(c.allows('localhost:80:80')).toBe(false);
    expect(c.allows('user@localhost')).toBe(false);
  });

  it('the url setting is read when it changes', () => {
    let url = '';
    const c = new HostCheck({
      listenHost: '127.0.0.1',
      url: () => url,
      hostname: () => 'h',
      interfaces: () => ({}),
    });
    expect(c.allows('communs.example')).toBe(false);
    url = 'https://communs.example/';
    expect(c.allows('communs.example')).toBe(true);
  });
});
