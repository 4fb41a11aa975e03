import type { z } from 'zod';
import { HttpError } from './respond.ts';

/**
 * A request's query parameters, checked with their schema from protocol/api.ts: a bad one answers
 * 400 with a message naming it ("\"from\" must be ..."). An empty parameter counts as absent;
 * parameters the schema does not name are ignored.
 */
export function parseParams<S extends z.ZodType>(schema: S, params: URLSearchParams): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== '' && !(k in raw)) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HttpError(400, `"${String(issue?.path[0] ?? 'query')}" ${issue?.message ?? 'is invalid'}`);
}

/** `from` and `to` of a query: `to` defaults to now, `from` to `defaultSpanMs` before it. */
export function rangeOf(
  p: { from?: number | undefined; to?: number | undefined },
  now: number,
  defaultSpanMs: number,
): { from: number; to: number } {
  const to = p.to ?? now;
  const from = p.from ?? to - defaultSpanMs;
  if (from >= to) throw new HttpError(400, `"from" must be before "to"`);
  return { from, to };
}
