import type { TestHub } from '../../support/test-hub.ts';

/**
 * What anyone with the dashboard's address can read: only public HTTP endpoints, parsed loosely
 * (the adversary takes whatever numbers it is given, whatever the hub calls them).
 */

export interface PublicPoints {
  t: number[];
  value: (number | null)[];
}

export interface PublicSeries {
  status: number;
  step?: string;
  stepMs?: number;
  points?: PublicPoints;
  [key: string]: unknown;
}

export async function publicJson<T = Record<string, unknown>>(th: TestHub, path: string): Promise<T> {
  const res = await fetch(`${th.httpUrl}${path}`);
  return (await res.json()) as T;
}

export async function publicSeries(
  th: TestHub,
  query: { quantity?: string; sensor?: string; from: number; to: number; step: string },
): Promise<PublicSeries> {
  const params = new URLSearchParams({ from: String(query.from), to: String(query.to), step: query.step });
  if (query.quantity) params.set('quantity', query.quantity);
  if (query.sensor) params.set('sensor', query.sensor);
  const res = await fetch(`${th.httpUrl}/api/series?${params}`);
  return { ...((await res.json()) as object), status: res.status };
}

interface RegisterLike {
  entries: { series: string | null; quantity: string; sharing: string; household: string | null }[];
}

/** The series the register names as public (community or open), for a quantity. */
export async function namedSeries(th: TestHub, quantity: string, prefix = ''): Promise<string[]> {
  const body = await publicJson<RegisterLike>(th, '/api/register');
  return body.entries
    .filter((e) => e.quantity === quantity && e.sharing !== 'private' && e.series?.startsWith(prefix))
    .map((e) => e.series as string);
}

/** How many series of a quantity the register lists at all (named or not). */
export async function registeredCount(th: TestHub, quantity: string): Promise<number> {
  const body = await publicJson<RegisterLike>(th, '/api/register');
  return body.entries.filter((e) => e.quantity === quantity).length;
}

/** Every public text the HTTP API gives without a token, for a search of identifiers. */
export async function everyPublicText(th: TestHub, from: number): Promise<string> {
  const parts: string[] = [];
  for (const p of ['/api/nodes', '/api/register', '/api/health', '/api/neighbours']) {
    parts.push(await (await fetch(`${th.httpUrl}${p}`)).text());
  }
  parts.push(await (await fetch(`${th.httpUrl}/api/export?format=ndjson&from=${from}`)).text());
  return parts.join('\n');
}

/**
 * Server-Sent Events of /api/live, recorded as they come until `stop()`: the events' names and
 * their JSON data.
 */
export function recordLive(th: TestHub): {
  events: { event: string; data: Record<string, unknown> }[];
  text: () => string;
  stop: () => void;
  ready: Promise<void>;
} {
  const controller = new AbortController();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let raw = '';
  let buffer = '';
  const ready = (async () => {
    const res = await fetch(`${th.httpUrl}/api/live`, { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          const chunk = decoder.decode(value, { stream: true });
          raw += chunk;
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
  })();
  return { events, text: () => raw, stop: () => controller.abort(), ready };
}

/** Polls until `fn` returns something other than undefined; a throw counts as not yet. */
export async function eventually<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until a JSON answer stops changing for `quietMs` (the hub has evaluated what it was sent). */
export async function settled<T>(fetchIt: () => Promise<T>, quietMs = 1500, maxMs = 8000): Promise<T> {
  const end = Date.now() + maxMs;
  let last = await fetchIt();
  let lastText = JSON.stringify(last);
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    const next = await fetchIt();
    const text = JSON.stringify(next);
    if (text !== lastText) {
      last = next;
      lastText = text;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return last;
  }
  return last;
}
