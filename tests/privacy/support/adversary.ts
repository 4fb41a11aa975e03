/**
 * The adversary's side: pure arithmetic over what public outputs said, and the verdict over the
 * ground truth. A candidate is a number the adversary derived for a bucket (a collective minus the
 * named series, a new version minus an old one, a coarse bucket minus its finer ones...). It is a
 * breach when it equals what fewer than k private households put in that bucket, or what a set of
 * households put in it of which one makes up more than the dominance share.
 */

export interface Candidate {
  /** how it was derived, for the failure message */
  how: string;
  bucket: number;
  value: number;
}

export interface Breach extends Candidate {
  households: string[];
  why: 'fewer than k' | 'dominated';
}

export interface Verdict {
  k: number;
  /** the largest share one household may have of a published remainder */
  dominance: number;
}

export const DEFAULT_VERDICT: Verdict = { k: 3, dominance: 0.5 };

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Candidates matched against every subset of the private contributions of their bucket.
 * `truth(bucket)` gives what each private household contributed (or what changed, for differences).
 */
export function breaches(
  candidates: readonly Candidate[],
  truth: (bucket: number) => Map<string, number>,
  verdict: Verdict = DEFAULT_VERDICT,
  opts: { dominance?: boolean } = {},
): Breach[] {
  const out: Breach[] = [];
  for (const c of candidates) {
    if (!Number.isFinite(c.value) || close(c.value, 0)) continue;
    const contributions = [...truth(c.bucket)].filter(([, v]) => !close(v, 0));
    const n = contributions.length;
    if (n === 0 || n > 12) continue;
    for (let mask = 1; mask < 1 << n; mask++) {
      const set = contributions.filter((_, i) => mask & (1 << i));
      const sum = set.reduce((s, [, v]) => s + v, 0);
      if (!close(sum, c.value)) continue;
      const households = set.map(([h]) => h);
      if (set.length < verdict.k) {
        out.push({ ...c, households, why: 'fewer than k' });
        break;
      }
      const total = set.reduce((s, [, v]) => s + Math.abs(v), 0);
      const largest = Math.max(...set.map(([, v]) => Math.abs(v)));
      if (opts.dominance !== false && largest > verdict.dominance * total) {
        out.push({ ...c, households, why: 'dominated' });
        break;
      }
    }
  }
  return out;
}

/** A readable list for an assertion message. */
export function describe(list: readonly Breach[], max = 5): string {
  return list
    .slice(0, max)
    .map(
      (b) =>
        `${b.how} @ ${new Date(b.bucket).toISOString()}: ${b.value} = ${b.households.join(' + ')} (${b.why})`,
    )
    .join('\n');
}

/** Points of a series as a map from bucket start to value. */
export function byBucket(points: { t: number[]; value: (number | null)[] } | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!points) return out;
  points.t.forEach((t, i) => {
    const v = points.value[i];
    if (typeof v === 'number') out.set(t, v);
  });
  return out;
}

/** collective(b) − Σ named(b): what the named series do not explain, bucket by bucket. */
export function remainders(
  how: string,
  collective: Map<number, number>,
  named: readonly Map<number, number>[],
): Candidate[] {
  const out: Candidate[] = [];
  for (const [bucket, total] of collective) {
    let rest = total;
    for (const s of named) rest -= s.get(bucket) ?? 0;
    out.push({ how, bucket, value: rest });
  }
  return out;
}

/**
 * An averaged quantity: total × n − Σ named, for every count n of series the adversary thinks may
 * report (it knows how many the register lists, not which of them reported in that minute).
 */
export function meanRemainders(
  how: string,
  collective: Map<number, number>,
  named: readonly Map<number, number>[],
  counts: readonly number[],
): Candidate[] {
  const out: Candidate[] = [];
  for (const [bucket, mean] of collective) {
    const namedHere = named.filter((s) => s.has(bucket));
    const namedSum = namedHere.reduce((s, m) => s + (m.get(bucket) ?? 0), 0);
    for (const n of counts) {
      if (n <= namedHere.length) continue;
      out.push({ how: `${how} (n=${n})`, bucket, value: mean * n - namedSum });
    }
  }
  return out;
}

/** The same bucket seen twice: what changed between the two versions. */
export function differences(
  how: string,
  before: Map<number, number>,
  after: Map<number, number>,
): Candidate[] {
  const out: Candidate[] = [];
  for (const [bucket, v] of after) {
    const old = before.get(bucket);
    if (old !== undefined) out.push({ how, bucket, value: v - old });
  }
  for (const [bucket, v] of before)
    if (!after.has(bucket)) out.push({ how: `${how} (gone)`, bucket, value: v });
  return out;
}
