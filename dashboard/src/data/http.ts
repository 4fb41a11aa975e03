/**
 * The one place the dashboard talks HTTP to the hub. Every answer uses the envelope of docs/API.md:
 * `{status:"ok", …}` or `{status:"error", error}`; anything else (a proxy's HTML page, a cut
 * connection) becomes an ApiError that an error card can show.
 */
export class ApiError extends Error {
  constructor(
    /** HTTP status, 0 when the hub could not be reached */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Readonly<Record<string, string | number | undefined>>;

export function apiPath(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function getJson<T extends { status: 'ok' }>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network');
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(res.status, `HTTP ${res.status}, not JSON`);
  }
  if (typeof body === 'object' && body !== null && 'status' in body) {
    if (body.status === 'ok' && res.ok) return body as T;
    if (body.status === 'error' && 'error' in body && typeof body.error === 'string') {
      throw new ApiError(res.status, body.error);
    }
  }
  throw new ApiError(res.status, `HTTP ${res.status}, unexpected body`);
}
