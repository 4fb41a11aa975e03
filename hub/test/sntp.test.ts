import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { explain } from '../src/cli/hub-command.ts';
import { Hub } from '../src/hub.ts';
import { SntpServer } from '../src/time/sntp-server.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/communs.js');
const HOUR = 3_600_000;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'communs-sntp-'));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * An SNTP client written from RFC 4330 with Python's struct module alone (none of the hub's code):
 * prints the reply's leap indicator, version, mode, stratum, the offset it implies, and whether
 * the originate timestamp echoes the request's transmit timestamp.
 */
const PY_CLIENT = `
import socket, struct, sys, time
EPOCH = 2208988800
def ts(t):
    s = int(t); return struct.pack('!II', s + EPOCH, int((t - s) * 2**32))
def un(b):
    s, f = struct.unpack('!II', b); return s - EPOCH + f / 2**32
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sock.settimeout(2)
t1 = time.time(); req = bytes([0x23]) + bytes(39) + ts(t1)
sock.sendto(req, ('127.0.0.1', int(sys.argv[1])))
rep, _ = sock.recvfrom(512); t4 = time.time()
first = rep[0]; t2 = un(rep[32:40]); t3 = un(rep[40:48])
print(first >> 6, (first >> 3) & 7, first & 7, rep[1], round(((t2 - t1) + (t3 - t4)) / 2, 3), rep[24:32] == req[40:48], rep[12:16].decode())
`;

/** Runs the client in a child process (asynchronously: the server answers from this event loop). */
function pyQuery(port: number): Promise<string[]> {
  const child = spawn('/usr/bin/python3', ['-c', PY_CLIENT, String(port)]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split(' ')) : reject(new Error(err)))),
  );
}

async function server(opts: { aheadMs: number; synchronised: boolean }): Promise<SntpServer> {
  const s = new SntpServer({
    host: '127.0.0.1',
    port: 0,
    now: () => Date.now() + opts.aheadMs,
    synchronised: () => opts.synchronised,
  });
  await s.start();
  cleanups.push(() => s.stop());
  return s;
}

describe('the hub SNTP server (RFC 4330 server mode)', () => {
  it('answers a client request with the hub time, mode 4, stratum 10, the originate timestamp echoed', async () => {
    const s = await server({ aheadMs: HOUR, synchronised: true });
    const [leap, version, mode, stratum, offset, echoed, refid] = await pyQuery(s.port as number);
    expect({ leap, version, mode, stratum, echoed, refid }).toEqual({
      leap: '0',
      version: '4',
      mode: '4',
      stratum: '10',
      echoed: 'True',
      refid: 'LOCL',
    });
    // the hub's clock is an hour ahead of this machine's: the client sees it
    expect(Math.abs(Number(offset) - 3600)).toBeLessThan(1);
    expect(s.counters.answered).toBe(1);
  });

  it('says "not synchronised" (leap 3, stratum 16) while the hub does not trust its clock', async () => {
    const s = await server({ aheadMs: 0, synchronised: false });
    const [leap, , mode, stratum] = await pyQuery(s.port as number);
    expect({ leap, mode, stratum }).toEqual({ leap: '3', mode: '4', stratum: '16' });
    expect(s.counters.unsynchronised).toBe(1);
  });

  it('ignores and counts what is not a client request, and keeps answering', async () => {
    const s = await server({ aheadMs: 0, synchronised: true });
    const sock = dgram.createSocket('udp4');
    cleanups.push(() => sock.close());
    const replies: Buffer[] = [];
    sock.on('message', (m) => replies.push(m));
    const send = (b: Buffer) =>
      new Promise<void>((r) => sock.send(b, s.port as number, '127.0.0.1', () => r()));
    await send(Buffer.from('hello'));
    const serverMode = Buffer.alloc(48);
    serverMode[0] = (4 << 3) | 4;
    await send(serverMode);
    const badVersion = Buffer.alloc(48);
    badVersion[0] = (7 << 3) | 3;
    await send(badVersion);
    while (s.counters.ignored < 3) await new Promise((r) => setTimeout(r, 10));
    expect((await pyQuery(s.port as number))[2]).toBe('4');
    expect(replies).toHaveLength(0);
  });
});

describe('the hub serves NTP on port 123 by default, when it may bind it', () => {
  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  const lib = spawnSync('dpkg', ['-L', 'libfaketime'], { encoding: 'utf8' })
    .stdout?.split('\n')
    .find((l) => l.endsWith('/libfaketime.so.1'));
  const netns = spawnSync('unshare', ['-n', 'true']).status === 0;
  const ready = have('sntp') && have('ntpdate') && lib !== undefined && netns;

  // port 123 is taken nowhere but in a network namespace of the test's own, where the hub is root
  it.skipIf(!ready)(
    'Debian sntp and ntpdate read the hub time (two hours ahead under faketime)',
    async () => {
      const data = tmp();
      const script = `ip link set lo up && exec node ${BIN} hub --no-demo --http-port 0 --mqtt-port 0 --data ${data}`;
      const hub: ChildProcess = spawn('unshare', ['-n', 'sh', '-c', script], {
        env: {
          ...process.env,
          COMMUNS_NTP_PORT: 'auto',
          LD_PRELOAD: lib,
          FAKETIME: '+2h',
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      cleanups.push(() => hub.kill('SIGKILL'));
      let out = '';
      hub.stdout?.on('data', (d) => {
        out += d;
      });
      hub.stderr?.on('data', (d) => {
        out += d;
      });
      for (let i = 0; !/^ready$/m.test(out); i++) {
        if (i > 2000 || hub.exitCode !== null) throw new Error(`the hub did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(out).toMatch(/^ {2}NTP {8}udp:\/\/127\.0\.0\.1:123$/m);
      const inNs = (cmd: string[]) =>
        spawnSync('nsenter', ['-t', String(hub.pid), '-n', ...cmd], { encoding: 'utf8', timeout: 15_000 });
      const sntp = inNs(['sntp', '-j', '-t', '3', '127.0.0.1']);
      expect(sntp.status, sntp.stderr).toBe(0);
      const answer = JSON.parse(sntp.stdout) as { offset: number; stratum: number; leap: string };
      expect(answer.stratum).toBe(10);
      expect(answer.leap).toBe('no-leap');
      expect(Math.abs(answer.offset - 7200)).toBeLessThan(5);
      const ntpdate = inNs(['ntpdate', '-q', '127.0.0.1']);
      expect(ntpdate.status, ntpdate.stderr).toBe(0);
      const offset = Number(/ ([+-]\d+\.\d+) \+\/- /.exec(ntpdate.stdout)?.[1]);
      expect(Math.abs(offset - 7200)).toBeLessThan(5);
      hub.kill('SIGTERM');
      await new Promise((r) => hub.once('exit', r));
      expect(out).toContain('stopped cleanly');
    },
    // the hub loads through tsx in its own process: slow on a busy 2-core machine
    120_000,
  );
});

describe('--ntp-port: off with a line when the default port cannot be bound, fatal when asked for', () => {
  async function occupied(): Promise<number> {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => sock.close());
    return sock.address().port;
  }
  const hubWith = (dataDir: string, ntp: { port: number; required: boolean }, log: string[]) =>
    new Hub({ dataDir, httpPort: 0, mqttPort: 0, host: '127.0.0.1', ntp, log: (l) => log.push(l) });

  it('a port in use turns NTP off with one line naming why and what to do; the hub runs', async () => {
    const port = await occupied();
    const log: string[] = [];
    const hub = hubWith(tmp(), { port, required: false }, log);
    await hub.start();
    cleanups.push(() => hub.stop());
    expect(hub.sntp).toBeUndefined();
    expect(log).toContain(
      `NTP server off: port ${port} is in use: another NTP server runs on this machine; point the devices at it, or give --ntp-port off`,
    );
    expect(hub.running).toBe(true);
  });

  it('an --ntp-port the admin chose and that is taken stops the start, in one line', async () => {
    const port = await occupied();
    const hub = hubWith(tmp(), { port, required: true }, []);
    const err = await hub.start().then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).toBe('EADDRINUSE');
    const args = { dataDir: '/d', httpPort: 8080, mqttPort: 1883, host: '127.0.0.1', ntpPort: port };
    expect(explain(err as NodeJS.ErrnoException, args)).toBe(
      `NTP port ${port} (--ntp-port) is in use: stop the program using it, or choose another port (0 picks a free one)`,
    );
  });

  it('the hub command says NTP is off when told so', async () => {
    const data = tmp();
    const child = spawn(
      process.execPath,
      [BIN, 'hub', '--no-demo', '--http-port', '0', '--mqtt-port', '0', '--ntp-port', 'off', '--data', data],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COMMUNS_NTP_PORT: 'auto' } },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    while (!/^ready$/m.test(out)) {
      if (child.exitCode !== null) throw new Error(out);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).toMatch(/^ {2}NTP {8}off: not asked for \(--ntp-port off\)$/m);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }, 60_000);
});
