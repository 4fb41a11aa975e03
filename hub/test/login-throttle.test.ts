import http from 'node:http';
import net from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice } from '../../tests/support/interop-client.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { LoginThrottle } from '../src/broker/login-throttle.ts';

describe('LoginThrottle', () => {
  it('blocks an address after more than N failures within one second, for blockMs', () => {
    let now = 1_000_000;
    const t = new LoginThrottle({ maxFailuresPerSecond: 3, blockMs: 10_000, now: () => now });
    for (let i = 0; i < 3; i++) t.failed('10.0.0.9');
    expect(t.blocked('10.0.0.9')).toBe(false);
    t.failed('10.0.0.9');
    expect(t.blocked('10.0.0.9')).toBe(true);
    expect(t.blocked('10.0.0.10')).toBe(false);
    now += 10_001;
    expect(t.blocked('10.0.0.9')).toBe(false);
    expect(t.throttled).toBe(1);
  });

  it('failures spread over seconds never block (a node with a stale secret retrying)', () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailuresPerSecond: 3, now: () => now });
    for (let i = 0; i < 100; i++) {
      t.failed('10.0.0.9');
      now += 500;
    }
    expect(t.blocked('10.0.0.9')).toBe(false);
  });

  it('an unknown address (no remote address on the stream) is never blocked', () => {
    const t = new LoginThrottle({ maxFailuresPerSecond: 0 });
    t.failed(undefined);
    expect(t.blocked(undefined)).toBe(false);
  });

  it('forgets addresses past 10,000 instead of growing without bound', () => {
    let now = 0;
    const t = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 25_000; i++) {
      t.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      now += 1;
    }
    expect((t as unknown as { byAddress: Map<string, unknown> }).byAddress.size).toBeLessThanOrEqual(10_000);
  });
});

describe('one throttle for MQTT and POST /data.php', () => {
  let th: TestHub;
  let airSecret: string;

  beforeAll(async () => {
    // every failure blocks its address: a check costs a whole scrypt, and on a busy machine five
    // of them may not fit in one second
    th = await startTestHub({ loginThrottle: { maxFailuresPerSecond: 0 } });
    th.addHousehold('h-thr', 'community');
    airSecret = await addDevice(th, 'device add air-thr --format airrohr --household h-thr');
  });
  afterAll(() => th.stop());

  it('bad /data.php logins block MQTT logins from that address, and bad MQTT logins block /data.php', async () => {
    // /data.php first: the failure blocks the address, the next guess is answered 429 at once
    expect(await postDataPhp(th, '127.0.0.3', 'air-thr', 'guess')).toBe(401);
    expect(await postDataPhp(th, '127.0.0.3', 'air-thr', 'guess')).toBe(429);
    const throttled = th.hub.broker.throttle.throttled;
    expect(await mqttLogin(th, '127.0.0.3', 'air-thr', 'guess')).toBe(4);
    expect(th.hub.broker.throttle.throttled).toBe(throttled + 1);

    // and the other way round
    expect(await mqttLogin(th, '127.0.0.4', 'air-thr', 'guess')).toBe(4);
    expect(await postDataPhp(th, '127.0.0.4', 'air-thr', 'guess')).toBe(429);
    const metrics = await (await fetch(`${th.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`communs_logins_throttled_total ${th.hub.broker.throttle.throttled}`);
  });

  it('a sensor whose secret already passed still gets in from a throttled address', async () => {
    expect(await postDataPhp(th, '127.0.0.5', 'air-thr', airSecret)).toBe(200);
    expect(await postDataPhp(th, '127.0.0.5', 'air-thr', 'guess')).toBe(401);
    expect(await postDataPhp(th, '127.0.0.5', 'air-thr', 'guess')).toBe(429);
    expect(await postDataPhp(th, '127.0.0.5', 'air-thr', airSecret)).toBe(200);
  });
});

function postDataPhp(th: TestHub, from: string, user: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: th.httpPort,
        path: '/data.php',
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(
      JSON.stringify({
        esp8266id: '1',
        sensordatavalues: [{ value_type: 'temperature', value: '20.5' }],
      }),
    );
  });
}

/** One raw CONNECT from a given source address; resolves with the CONNACK return code. */
function mqttLogin(th: TestHub, from: string, username: string, password: string): Promise<number> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: th.mqttPort, localAddress: from });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p) => {
      if (p.cmd === 'connack') {
        s.destroy();
        resolve((p as { returnCode: number }).returnCode);
      }
    });
    s.on('data', (d) => parser.parse(d));
    s.on('error', () => resolve(-1));
    s.on('close', () => resolve(-1));
    s.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: username,
        keepalive: 30,
        username,
        password: Buffer.from(password),
      }),
    );
  });
}
