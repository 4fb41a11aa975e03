import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubContext } from '../../context.ts';
import { isPublicDetail, publicSensor } from '../../privacy.ts';
import { SECURITY_HEADERS, sendError } from '../respond.ts';

/**
 * Unsent data kept per client at most. Past it, events are skipped for that client, not buffered:
 * one group commit can emit thousands of readings in one turn (a node replaying its backlog), and
 * closing then dropped healthy dashboards too (docs/RELIABILITY.md, frozen consumer). Only a client that does not drain for
 * `frozenMs` is closed.
 */
const MAX_BUFFERED = 256 * 1024;
const KEEPALIVE_MS = 15_000;
/** how often a blocked client is checked: the drop happens at most this long after `frozenMs` */
const CHECK_MS = 2_000;

/**
 * The SSE clients connected now, at most `max`. Each holds a socket, three bus listeners and up to
 * MAX_BUFFERED of unsent data; a shared screen or a resident's browser needs one.
 */
export class LiveClients {
  readonly max: number;
  count = 0;
  /** clients refused because `max` were connected */
  refused = 0;

  constructor(opts: { max?: number } = {}) {
    this.max = opts.max ?? 200;
  }

  enter(): boolean {
    if (this.count >= this.max) {
      this.refused++;
      return false;
    }
    this.count++;
    return true;
  }

  leave(): void {
    this.count--;
  }
}

/**
 * GET /api/live: Server-Sent Events of what is stored, filtered by the sharing rules. Each client
 * is one set of bus listeners, removed when it goes. Past `clients.max`, 503: the dashboard's
 * live subscription retries with backoff (dashboard/src/data/live.ts).
 */
export function live(
  ctx: HubContext,
  req: IncomingMessage,
  res: ServerResponse,
  opts: { frozenMs: number; clients: LiveClients },
): void {
  if (!opts.clients.enter()) {
    res.setHeader('retry-after', '30');
    return sendError(
      res,
      503,
      `the hub serves ${opts.clients.max} live clients at most and has that many: try again later`,
    );
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  let blockedSince: number | null = null;
  let lastWrite = ctx.now();
  const send = (event: string, data: unknown) => {
    if (res.writableLength > MAX_BUFFERED) {
      blockedSince ??= ctx.now();
      return;
    }
    const ok = res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    lastWrite = ctx.now();
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
    // a private household's node is not named in public, nor when it was last seen
    ctx.bus.on('node', (n) => {
      const row = ctx.registry.node(n.id);
      const h = row?.household_id ? ctx.registry.household(row.household_id) : undefined;
      if (isPublicDetail(h)) send('node', n);
    }),
  ];
  // the newest collective figures at once, so a screen that connects has one without waiting a minute
  for (const a of ctx.liveFigures?.() ?? []) send('aggregate', a);
  const keepalive = setInterval(
    () => {
      // a client that has not drained for frozenMs is gone in all but name
      if (blockedSince !== null && ctx.now() - blockedSince > opts.frozenMs) return close();
      if (ctx.now() - lastWrite >= KEEPALIVE_MS && blockedSince === null) {
        res.write(': keepalive\n\n');
        lastWrite = ctx.now();
      }
    },
    Math.min(CHECK_MS, opts.frozenMs),
  );
  let closed = false;
  function close(): void {
    if (closed) return;
    closed = true;
    opts.clients.leave();
    clearInterval(keepalive);
    for (const off of unsubscribe) off();
    res.destroy();
  }
  req.on('close', close);
  res.on('error', close);
}
