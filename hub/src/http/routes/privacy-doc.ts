import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../respond.ts';

/**
 * GET /api/privacy: the privacy model (docs/PRIVACY.md) as plain text, served by the hub itself so
 * that the register can link to it on a network with no internet. Read at each request: a small
 * file, and an edited doc shows without a restart.
 */
export function privacyDoc(file: string, res: ServerResponse): void {
  const text = fs.readFileSync(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': text.length,
    'cache-control': 'no-cache',
  });
  res.end(text);
}
