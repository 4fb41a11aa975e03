import { HttpError } from './respond.ts';

/** Reads a time parameter given as epoch milliseconds or ISO 8601; names the parameter when bad. */
export function parseTime(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value) || value < 0 || value > 4_102_444_800_000) {
    throw new HttpError(
      400,
      `"${name}" must be epoch milliseconds or an ISO 8601 time, got "${raw.slice(0, 40)}"`,
    );
  }
  return value;
}

export function parseEnum<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new HttpError(400, `"${name}" must be one of ${allowed.join(', ')}, got "${raw.slice(0, 40)}"`);
  }
  return raw as T;
}

export function parseRange(
  params: URLSearchParams,
  now: number,
  defaultSpanMs: number,
): { from: number; to: number } {
  const to = parseTime(params, 'to', now);
  const from = parseTime(params, 'from', to - defaultSpanMs);
  if (from >= to) throw new HttpError(400, `"from" must be before "to"`);
  return { from, to };
}
