import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { CODINGS, type Coding, codingExtension, negotiateCoding } from './content-coding.ts';
import { SECURITY_HEADERS, sendError } from './respond.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built dashboard. A path resolves inside `root` or not at all (no traversal); a path
 * that is not a file gets index.html, so the dashboard's own routes (/screen, /h/...) load. A file
 * with a brotli or gzip copy beside it (written at build time by dashboard/precompress.ts) is sent
 * as that copy to a browser that accepts it: the hub compresses nothing per request.
 */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, method: string): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return sendError(res, 400, 'the path is not valid URL encoding');
  }
  if (decoded.includes('\0')) return sendError(res, 400, 'the path contains a NUL byte');
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return sendError(res, 404, 'not found');
  let target = file;
  let stat = statFile(target);
  if (!stat) {
    // a missing asset is a 404; anything else is a dashboard route
    if (path.extname(decoded) !== '') return sendError(res, 404, `no file ${decoded}`);
    target = path.join(root, 'index.html');
    stat = statFile(target);
  }
  if (!stat) {
    return sendError(res, 503, 'the dashboard is not built: run "npm run build" (npm start does it for you)');
  }
  const immutable = target.includes(`${path.sep}assets${path.sep}`);
  const copies = CODINGS.filter((c) => statFile(target + codingExtension(c)));
  const coding = negotiateCoding(res.req.headers['accept-encoding'], copies);
  const sent = coding ? target + codingExtension(coding) : target;
  const sentStat = coding ? statFile(sent) : stat;
  if (!sentStat) return sendError(res, 404, `no file ${decoded}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
    'content-length': sentStat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...codingHeaders(coding, copies.length > 0),
  });
  if (method === 'HEAD') return void res.end();
  fs.createReadStream(sent)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** A cache must keep the copies apart: `Vary` whenever a compressed copy exists. */
function codingHeaders(coding: Coding | null, varies: boolean): Record<string, string> {
  return {
    ...(varies ? { vary: 'Accept-Encoding' } : {}),
    ...(coding ? { 'content-encoding': coding } : {}),
  };
}

function statFile(file: string): fs.Stats | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}
