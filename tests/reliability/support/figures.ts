import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIGURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../figures');

/** True under `npm run soak`: the long forms of the fault tests. */
export const SOAK = process.env.COMMUNS_SOAK === '1';

/** Picks the CI or the soak value of a knob. */
export function scale<T>(ci: T, soak: T): T {
  return SOAK ? soak : ci;
}

export interface Figure {
  /** the promise's number and a short name, e.g. "1 crash under load" */
  item: string;
  /** what was tried: counts, rates, durations, in words a reader can check */
  tried: string;
  /** what was lost or let through; must say "nothing acknowledged" where it applies */
  lost: string;
  /** the raw numbers behind the sentence */
  figures: Record<string, number | string | boolean>;
}

/**
 * Writes one test's figures as JSON (one file per test and form, so parallel workers never write
 * the same file); tests/reliability/report.ts turns them into docs/RELIABILITY.md.
 */
export function recordFigure(id: string, f: Figure): void {
  // only `npm run reliability:report` and `npm run soak` write figures: a plain `npm test` leaves
  // the tree clean
  if (process.env.COMMUNS_FIGURES !== '1') return;
  fs.mkdirSync(FIGURES_DIR, { recursive: true });
  const body = { id, form: SOAK ? 'soak' : 'ci', at: new Date().toISOString(), ...f };
  fs.writeFileSync(path.join(FIGURES_DIR, `${id}.${body.form}.json`), `${JSON.stringify(body, null, 2)}\n`);
}

/** Resident set size in MB, for "memory bounded" figures. */
export function rssMb(): number {
  return Math.round((process.memoryUsage().rss / 1048576) * 10) / 10;
}

export async function eventually<T>(
  check: () => T | Promise<T>,
  opts: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<T> {
  const until = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== false && v !== undefined && v !== null) return v;
    } catch (err) {
      last = err;
    }
    await sleep(opts.everyMs ?? 100);
  }
  throw new Error(`timed out waiting for ${opts.what ?? 'a condition'}${last ? `: ${String(last)}` : ''}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
