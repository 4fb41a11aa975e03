import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubContext } from '../../context.ts';
import { publicSensor } from '../../privacy.ts';
import { SECURITY_HEADERS } from '../respond.ts';

/** A client whose unsent data passes this is not reading: it is dropped, not buffered for. */
const MAX_BUFFERED = 256 * 1024;
const KEEPALIVE_MS = 15_000;

/**
 * GET /api/live: Server-Sent Events of what is stored, filtered by the sharing rules. Each client
 * is one set of bus listeners, removed when it goes.
 */
export function live(
  ctx: HubContext,
  req: IncomingMessage,
  res: ServerResponse,
  opts: { frozenMs: number },
): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  let blockedSince: number | null = null;
  const send = (event: string, data: unknown) => {
    if (res.writableLength > MAX_BUFFERED) return close();
    const ok = res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (!ok && blockedSince === null) blockedSince = ctx.now();
  };
  res.on('drain', () => {
    blockedSince = null;
  });
  const unsubscribe = [
    ctx.bus.on('reading', (r) => {
      const sensor = ctx.registry.sensorById(r.sensorId);
      if (!sensor || !publicSensor(ctx.registry, sensor)) return;
      const { sensorId: _internal, ...body } = r;
      send('reading', body);
    }),
    ctx.bus.on('aggregate', (a) => send('aggregate', a)),
    ctx.bus.on('node', (n) => send('node', n)),
  ];
  const keepalive = setInterval(
    () => {
      // a client that has not drained for frozenMs is gone in all but name
      if (blockedSince !== null && ctx.now() - blockedSince > opts.frozenMs) return close();
      res.write(': keepalive\n\n');
    },
    Math.min(KEEPALIVE_MS, opts.frozenMs),
  );
  function close(): void {
    clearInterval(keepalive);
    for (const off of unsubscribe) off();
    res.destroy();
  }
  req.on('close', close);
  res.on('error', close);
}
