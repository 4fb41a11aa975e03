import type { IncomingMessage, ServerResponse } from 'node:http';
import { AIRROHR_MAX_BODY } from '../../../protocol/interop/airrohr.ts';
import type { LoginThrottle } from '../broker/login-throttle.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { DeviceStore } from '../store/device-store.ts';
import type { Registry } from '../store/registry.ts';
import { ScryptBusy } from '../store/scrypt-queue.ts';
import { mapAirrohr } from './airrohr.ts';
import type { InteropRouter } from './router.ts';

export interface AirrohrRouteOptions {
  devices: DeviceStore;
  registry: Registry;
  router: InteropRouter;
  /** the hub's one throttle of failed logins, shared with MQTT */
  throttle: LoginThrottle;
  now?: () => number;
}

/**
 * POST /data.php, the airrohr firmware's "send to own API" with basic auth (user = node id,
 * password = its secret). Answers after the readings are committed, like a QoS 1 PUBACK. Failed
 * logins count in the same throttle as MQTT's: an address guessing here is refused there too.
 */
export function airrohrRoute(opts: AirrohrRouteOptions) {
  const now = opts.now ?? Date.now;
  const { throttle } = opts;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const address = req.socket.remoteAddress;
    const creds = basicAuth(req.headers.authorization);
    const device = creds ? opts.devices.get(creds.user) : undefined;
    // a sensor whose secret already passed scrypt costs nothing to check: throttling spares it
    const known = !!creds && opts.registry.knownGood(creds.user, creds.password);
    if (!known && throttle.blocked(address)) {
      res.setHeader('retry-after', String(Math.ceil(throttle.blockMs / 1000)));
      return sendError(res, 429, 'too many failed logins from this address: wait and try again');
    }
    let ok = false;
    try {
      ok =
        !!creds &&
        device?.format === 'airrohr' &&
        (await opts.registry.authenticate(creds.user, creds.password));
    } catch (err) {
      if (!(err instanceof ScryptBusy)) throw err;
      res.setHeader('retry-after', '5');
      return sendError(res, 503, `the hub is busy: ${err.message}`);
    }
    if (!ok || !device) {
      throttle.failed(address);
      res.setHeader('www-authenticate', 'Basic realm="communs", charset="UTF-8"');
      return sendError(res, 401, 'an airrohr sensor logs in with its node id and secret (basic auth)');
    }
    const body = await readBody(req, AIRROHR_MAX_BODY);
    const result =
      body === undefined
        ? {
            meta: [],
            readings: [],
            rejections: [{ reason: 'too_large' as const, detail: `body over ${AIRROHR_MAX_BODY} bytes` }],
          }
        : mapAirrohr(body, device, now());
    const committed = await new Promise<Error | undefined>((resolve) =>
      opts.router.ingest(device, result, (err) => resolve(err)),
    );
    if (committed) return sendError(res, 503, 'the hub cannot store readings right now: try again later');
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return sendError(res, 413, `the body is larger than ${AIRROHR_MAX_BODY} bytes`);
    }
    const whole = result.readings.length === 0 ? result.rejections[0] : undefined;
    if (whole) return sendError(res, 400, `${whole.reason}: ${whole.detail}`);
    sendJson(res, 200, {
      status: 'ok',
      readings: result.readings.length,
      rejected: result.rejections.length,
    });
  };
}

function basicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The body, or undefined past `max` bytes (the rest is not buffered). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
