import type { ServerResponse } from 'node:http';

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

function sendBody(res: ServerResponse, status: number, body: string | Buffer): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    'cache-control': 'no-store',
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
