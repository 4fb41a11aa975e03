import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { type Coding, negotiateCoding } from './content-coding.ts';

/** Headers every response carries: nothing may be loaded from outside the hub. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendBody(res, status, JSON.stringify(body));
}

/**
 * Sends a body that is JSON text already, in parts (series: the points come as bytes from SQLite
 * or from the cache), joined into one buffer: one write, a little cheaper than writing
 * the parts corked (measured with a 100 KB body).
 */
export function sendJsonParts(
  res: ServerResponse,
  status: number,
  parts: readonly (string | Uint8Array)[],
): void {
  sendBody(res, status, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
}

/**
 * Below this size a compressed body saves less than it costs: the answer is sent as it is. The
 * 24-hour series of a wide screen is ~55 KB of JSON and ~6 KB in brotli (docs/PERFORMANCE.md).
 */
const COMPRESS_MIN_BYTES = 1024;

/**
 * Sends a JSON body, compressed when the client accepts brotli or gzip (`Vary: Accept-Encoding`
 * either way). Compression runs in libuv's thread pool, at levels chosen for speed (brotli 4 is
 * within 1 % of brotli 6 on series and several times faster than 11), so the event loop that
 * ingests readings does not wait for it.
 */
function sendBody(res: ServerResponse, status: number, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const coding =
    bytes.length >= COMPRESS_MIN_BYTES ? negotiateCoding(res.req?.headers['accept-encoding']) : null;
  if (!coding) return writeBody(res, status, bytes, null);
  const done = (err: Error | null, out: Buffer) => {
    if (res.destroyed) return;
    if (err) writeBody(res, status, bytes, null);
    else writeBody(res, status, out, coding);
  };
  if (coding === 'br') {
    zlib.brotliCompress(
      bytes,
      {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      },
      done,
    );
  } else {
    zlib.gzip(bytes, { level: 6 }, done);
  }
}

function writeBody(res: ServerResponse, status: number, body: Buffer, coding: Coding | null): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
    vary: 'Accept-Encoding',
    ...(coding ? { 'content-encoding': coding } : {}),
  });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, error: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { status: 'error', error });
}
