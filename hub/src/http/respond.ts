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
 * Up to this size a JSON body is compressed at once on the hub's thread: brotli at quality 1 takes
 * ~0.25 ms for the ~100 KB of a day chart, less CPU than handing it to libuv's thread pool (which
 * cost ~1.4 ms of CPU a body with 20 at once: docs/PERFORMANCE.md "Queries"). Larger bodies (a CSV,
 * an export) go to the pool, so that the event loop that ingests readings does not wait for them.
 */
const COMPRESS_INLINE_MAX_BYTES = 256 * 1024;

/**
 * Compression settings for answers made on request: the fastest levels. Brotli quality 1 makes a
 * day chart ~6 % larger than quality 4 (21.5 KB against 20.4 KB of 98 KB) for a quarter of the
 * CPU; the hub sends to a browser on the same network, where a few more kilobytes cost nothing.
 */
function brotliOptions(size: number): zlib.BrotliOptions {
  return {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 1,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
    },
  };
}
const GZIP_OPTIONS: zlib.ZlibOptions = { level: 1 };

/**
 * Sends a JSON body, compressed when the client accepts brotli or gzip (`Vary: Accept-Encoding`
 * either way), at the fastest levels; small and middle-sized bodies at once, large ones in libuv's
 * thread pool.
 */
function sendBody(res: ServerResponse, status: number, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const coding =
    bytes.length >= COMPRESS_MIN_BYTES ? negotiateCoding(res.req?.headers['accept-encoding']) : null;
  if (!coding) return writeBody(res, status, bytes, null);
  if (bytes.length <= COMPRESS_INLINE_MAX_BYTES) {
    let out: Buffer;
    try {
      out =
        coding === 'br'
          ? zlib.brotliCompressSync(bytes, brotliOptions(bytes.length))
          : zlib.gzipSync(bytes, GZIP_OPTIONS);
    } catch {
      return writeBody(res, status, bytes, null);
    }
    return writeBody(res, status, out, coding);
  }
  const done = (err: Error | null, out: Buffer) => {
    if (res.destroyed) return;
    if (err) writeBody(res, status, bytes, null);
    else writeBody(res, status, out, coding);
  };
  if (coding === 'br') zlib.brotliCompress(bytes, brotliOptions(bytes.length), done);
  else zlib.gzip(bytes, GZIP_OPTIONS, done);
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
