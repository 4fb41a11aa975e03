import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { BoardLink } from './board-link.ts';
import { TcpTransport } from './transport-tcp.ts';

const links: BoardLink[] = [];
afterEach(async () => {
  for (const l of links.splice(0)) await l.stop();
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('board link', () => {
  it('reports an unreachable board once, in one line naming it and the fix, and keeps retrying', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    let attempts = 0;
    const link = new BoardLink({
      createTransport: () => {
        attempts++;
        return new TcpTransport({ host: '127.0.0.1', port });
      },
      drivers: [],
      describe: `127.0.0.1:${port}`,
      flashCommand: 'communs flash --port /dev/ttyUSB0',
      backoff: new Backoff({ initialMs: 20, maxMs: 40 }),
      log: (l) => lines.push(l),
    });
    links.push(link);
    link.start();
    const until = Date.now() + 10_000;
    while (attempts < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^board: cannot reach 127.0.0.1:${port} \\(.*ECONNREFUSED.*\\) — check the cable or address and "board" in the config; retrying$`,
      ),
    );
    expect(link.connected).toBe(false);
  });

  it('gives up on a device that accepts the connection but never speaks Firmata', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const lines: string[] = [];
    const link = new BoardLink({
      createTransport: () => new TcpTransport({ host: '127.0.0.1', port }),
      drivers: [],
      describe: `127.0.0.1:${port}`,
      flashCommand: 'communs flash --port /dev/ttyUSB0',
      readyTimeoutMs: 300,
      backoff: new Backoff({ initialMs: 5000 }),
      log: (l) => lines.push(l),
    });
    links.push(link);
    link.start();
    const until = Date.now() + 10_000;
    while (lines.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(lines[0]).toMatch(/did not complete the Firmata handshake \(is our firmware flashed\?\)/);
    await link.stop();
    await new Promise((r) => server.close(r));
  });

  it('stop() during a connection still being made closes it before it returns, and says nothing more', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const lines: string[] = [];
    const link = new BoardLink({
      createTransport: () => new TcpTransport({ host: '127.0.0.1', port }),
      drivers: [],
      describe: `127.0.0.1:${port}`,
      flashCommand: 'communs flash --port /dev/ttyUSB0',
      // the handshake would wait this long: a board still powering up, a simulation behind
      readyTimeoutMs: 20_000,
      log: (l) => lines.push(l),
    });
    link.start();
    const until = Date.now() + 10_000;
    while (sockets.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(sockets).toHaveLength(1);
    const closed = new Promise<boolean>((r) => sockets[0]?.once('close', () => r(true)));
    await link.stop();
    const inTime = await Promise.race([
      closed,
      new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
    ]);
    expect(inTime).toBe(true);
    expect(lines).toEqual([]);
    await new Promise((r) => server.close(r));
  });
});
