/** The content codings the hub sends, best first: brotli is ~20 % smaller than gzip on our JSON and JS. */
export const CODINGS = ['br', 'gzip'] as const;
export type Coding = (typeof CODINGS)[number];

/**
 * The coding to send for a request's `Accept-Encoding` (RFC 9110 §12.5.3): the one the client
 * weighs highest among `offered`, ties going to the order of `offered`; null for identity (no
 * header, `identity`, every offered coding refused with `q=0`). `*` stands for any coding not named.
 */
export function negotiateCoding(
  header: string | readonly string[] | undefined,
  offered: readonly Coding[] = CODINGS,
): Coding | null {
  const text = typeof header === 'string' ? header : (header ?? []).join(',');
  const weights = new Map<string, number>();
  for (const entry of text.split(',')) {
    const [name = '', ...params] = entry.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Math.min(1, Number(m[1]) || 0);
    }
    // "x-gzip" is gzip under its old name (RFC 9110 §8.4.1.3)
    weights.set(name === 'x-gzip' ? 'gzip' : name, q);
  }
  let best: Coding | null = null;
  let bestQ = 0;
  for (const coding of offered) {
    const q = weights.get(coding) ?? weights.get('*') ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/** The file extension a precompressed copy carries: `app.js.br`, `app.js.gz`. */
export function codingExtension(coding: Coding): string {
  return coding === 'br' ? '.br' : '.gz';
}
