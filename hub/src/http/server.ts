import type { IncomingMessage, ServerResponse } from 'node:http';
import http from 'node:http';
import type { HubContext } from '../context.ts';
import {
  OPENMETRICS_TYPE,
  renderOpenMetrics,
  renderText,
  TEXT_TYPE,
  wantsOpenMetrics,
} from '../metrics/exposition.ts';
import { collectFigures } from '../metrics/hub-figures.ts';
import { ScryptBusy } from '../store/scrypt-queue.ts';
import { HostCheck } from './host-check.ts';
import { HttpError, SECURITY_HEADERS, sendError, sendJson, sendJsonParts } from './respond.ts';
import { cost } from './routes/cost.ts';
import { exportData } from './routes/export.ts';
import { household } from './routes/household.ts';
import { LiveClients, live } from './routes/live.ts';
import { health, nodes, register, settings } from './routes/nodes.ts';
import { report } from './routes/report.ts';
import { series } from './routes/series.ts';
import { challenges, production, signal } from './routes/together.ts';
import { serveStatic } from './static-files.ts';

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => unknown | Promise<unknown>;

export interface HttpOptions {
  ctx: HubContext;
  /** the built dashboard (dashboard/dist) */
  staticRoot: string;
  /** the address the server listens on: with the `url` setting, the names it answers to */
  listenHost: string;
  /** an SSE client that has not drained for this long is dropped */
  frozenMs?: number;
  /** SSE clients on /api/live at once (default 200); more get 503 */
  maxLiveClients?: number;
  log: (line: string) => void;
}

/**
 * The hub's HTTP server: the read-only JSON API, Server-Sent Events, the open-data export and the
 * dashboard's files. node:http is enough for a handful of routes and keeps the hub small.
 * Other rooms add routes with `route()` (the airrohr endpoint, household links).
 */
export class HttpApi {
  readonly server: http.Server;
  private readonly opts: HttpOptions;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly prefixes: { key: string; handler: RouteHandler }[] = [];
  readonly liveClients: LiveClients;
  /** the `Host` names the API answers (also asked by MQTT over WebSocket, broker.ts) */
  readonly hostCheck: HostCheck;

  constructor(opts: HttpOptions) {
    this.opts = opts;
    const { ctx } = opts;
    const liveClients = new LiveClients({ max: opts.maxLiveClients });
    this.liveClients = liveClients;
    this.hostCheck = new HostCheck({ listenHost: opts.listenHost, url: () => ctx.settings.get().publicUrl });
    // headersTimeout and requestTimeout are only enforced when node:http sweeps its connections,
    // every 30 s by default: a slowloris client held its socket ~40 s instead of 10 (docs/RELIABILITY.md, HTTP bad input)
    this.server = http.createServer({ connectionsCheckingInterval: 1000 }, (req, res) =>
      this.handle(req, res),
    );
    // slow clients (slowloris) may not hold sockets open forever
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.keepAliveTimeout = 5_000;
    this.server.maxHeadersCount = 50;
    this.route('GET', '/api/health', (_req, res) => sendJson(res, 200, health(ctx)));
    this.route('GET', '/api/nodes', (_req, res) => sendJson(res, 200, nodes(ctx)));
    this.route('GET', '/api/series', async (_req, res, url) => {
      // a household's private link also opens its own series; a bad token changes nothing
      const owner = await ctx.store.links.resolve(url.searchParams.get('token'));
      sendJsonParts(res, 200, await series(ctx, url.searchParams, owner));
    });
    this.route('GET', '/api/household', async (_req, res, url) =>
      sendJson(res, 200, await household(ctx, url.searchParams)),
    );
    this.route('GET', '/api/register', (_req, res) => sendJson(res, 200, register(ctx)));
    this.route('GET', '/api/settings', (_req, res) => sendJson(res, 200, settings(ctx)));
    this.route('GET', '/api/cost', async (_req, res, url) =>
      sendJson(res, 200, await cost(ctx, url.searchParams)),
    );
    this.route('GET', '/api/live', (req, res) =>
      live(ctx, req, res, { frozenMs: opts.frozenMs ?? 20_000, clients: liveClients }),
    );
    this.route('GET', '/api/export', (_req, res, url) => exportData(ctx, url.searchParams, res));
    // acting together: the signal, challenges, production (docs/COLLECTIVE.md)
    this.route('GET', '/api/signal', (_req, res) => sendJson(res, 200, signal(ctx)));
    this.route('GET', '/api/challenges', (_req, res) => sendJson(res, 200, challenges(ctx)));
    this.route('GET', '/api/production', (_req, res, url) =>
      sendJson(res, 200, production(ctx, url.searchParams)),
    );
    // the monthly notice-board report, printable (docs/COLLECTIVE.md)
    this.routePrefix('GET', '/report/', (req, res, url) => report(ctx, req, res, url));
    // for the admin's Prometheus: counts over the whole hub only (hub/src/metrics/hub-figures.ts)
    this.route('GET', '/metrics', (req, res) => {
      const open = wantsOpenMetrics(req.headers.accept);
      const families = collectFigures(ctx);
      const body = open ? renderOpenMetrics(families) : renderText(families);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': open ? OPENMETRICS_TYPE : TEXT_TYPE,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
    });
  }

  route(method: string, path: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** A handler for every path under `prefix` (`/report/` then a month), tried after exact routes. */
  routePrefix(method: string, prefix: string, handler: RouteHandler): void {
    this.prefixes.push({ key: `${method} ${prefix}`, handler });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!this.hostCheck.allows(req.headers.host)) {
      // not its own name: a page that pointed its domain at the hub (DNS rebinding), or a name the
      // admin has not told it
      return sendError(
        res,
        421,
        `this hub does not answer to the name "${req.headers.host?.slice(0, 100)}": if it is one of its names, set it with "settings set url http://NAME:PORT" on the console`,
      );
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub.invalid');
    } catch {
      return sendError(res, 400, 'the request URL is not valid');
    }
    try {
      const key = `${method === 'HEAD' ? 'GET' : method} ${url.pathname}`;
      const handler = this.routes.get(key) ?? this.prefixes.find((p) => key.startsWith(p.key))?.handler;
      if (handler) {
        await handler(req, res, url);
        return;
      }
      if (url.pathname.startsWith('/api/') || url.pathname === '/data.php') {
        const known = [...this.routes.keys()].some((k) => k.endsWith(` ${url.pathname}`));
        return known
          ? sendError(res, 405, `${method} is not allowed on ${url.pathname}`)
          : sendError(res, 404, `no such endpoint ${url.pathname}: see docs/API.md`);
      }
      if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, `${method} is not allowed here`);
      serveStatic(this.opts.staticRoot, url.pathname, res, method);
    } catch (err) {
      if (err instanceof HttpError) return sendError(res, err.status, err.message);
      if (err instanceof ScryptBusy) {
        // a private link's token waits for its scrypt behind too many others (a guessing flood)
        res.setHeader('retry-after', '5');
        return sendError(res, 503, `the hub is busy: ${err.message}`);
      }
      this.opts.log(`HTTP ${method} ${url.pathname} failed: ${(err as Error).stack ?? err}`);
      sendError(res, 500, 'internal error: see the hub log');
    }
  }
}
