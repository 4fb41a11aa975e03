/**
 * The aggregate privacy rule (docs/PRIVACY.md): the one decision every public figure made of
 * several households goes through. Pure functions over the contributions of one bucket.
 *
 * A contribution is what one household put into the bucket (the sum of its series there), with
 * how exposed it already is:
 * - `named`: the household's own series for this bucket is public (community or open since before
 *   the bucket): subtracting it from a collective figure is expected, it protects nothing;
 * - `exposed`: it was public during part of the bucket, or was then and no longer is: someone may
 *   hold it, so it must not count towards the protection of the others;
 * - `hidden`: private throughout the bucket; only these protect each other.
 *
 * Whatever a figure adds on top of the named series (the remainder) is published only when the
 * hidden households in it are at least k, and none of them makes up more than `dominance` of what
 * they put in together (the utilities' "15/15" rule, scaled to a neighbourhood). Otherwise the
 * bucket is withheld: no figure, never a zero.
 */

export interface PrivacyPolicy {
  /** the fewest hidden households a remainder may come from (3 at least) */
  k: number;
  /** the largest share of the hidden households' total one of them may have, in (0, 0.5] */
  dominance: number;
}

export const DEFAULT_POLICY: PrivacyPolicy = { k: 3, dominance: 0.5 };
/** The floor and ceiling settings may not cross (they may only be made stricter). */
export const MIN_K = 3;
export const MAX_DOMINANCE = 0.5;

export type Exposure = 'named' | 'exposed' | 'hidden';

export interface Contribution {
  household: string;
  /** the household's part of the figure: the sum of its series' bucket values */
  value: number;
  /** how many of its series are in it (what an average is divided by) */
  weight: number;
  exposure: Exposure;
}

export type WithheldReason = 'too_few' | 'dominated' | 'exposed_only';

export interface Part {
  value: number;
  weight: number;
  households: number;
}

export interface Judgement {
  /** true: the remainder (and so the whole figure) may be published */
  publish: boolean;
  reason?: WithheldReason;
  /** the households whose series are public for this bucket */
  named: Part;
  /** everything else: exposed and hidden households together */
  remainder: Part;
}

/**
 * How much of a figure one household makes up: its magnitude for figures that add up (power,
 * energy), its number of series for averages (a mean of temperatures is not "mostly" anyone's
 * because of its value, but because most of its series are).
 */
export type Measure = 'value' | 'weight';

const empty = (): Part => ({ value: 0, weight: 0, households: 0 });

export function judge(
  contributions: readonly Contribution[],
  policy: PrivacyPolicy,
  measure: Measure,
): Judgement {
  const named = empty();
  const remainder = empty();
  let hidden = 0;
  let hiddenTotal = 0;
  let hiddenLargest = 0;
  // a household may come as several rows (one per series): fold them first
  const byHousehold = new Map<string, Contribution>();
  for (const c of contributions) {
    const prev = byHousehold.get(c.household);
    if (!prev) byHousehold.set(c.household, { ...c });
    else {
      prev.value += c.value;
      prev.weight += c.weight;
      prev.exposure = moreExposed(prev.exposure, c.exposure);
    }
  }
  for (const c of byHousehold.values()) {
    const part = c.exposure === 'named' ? named : remainder;
    part.value += c.value;
    part.weight += c.weight;
    part.households++;
    if (c.exposure !== 'hidden') continue;
    hidden++;
    const size = measure === 'value' ? Math.abs(c.value) : c.weight;
    hiddenTotal += size;
    hiddenLargest = Math.max(hiddenLargest, size);
  }
  const base = { named, remainder };
  // nothing beyond the named series: the figure tells nothing they do not
  if (remainder.households === 0) return { publish: true, ...base };
  if (hidden === 0) return { publish: false, reason: 'exposed_only', ...base };
  if (hidden < Math.max(MIN_K, policy.k)) return { publish: false, reason: 'too_few', ...base };
  const share = Math.min(MAX_DOMINANCE, policy.dominance);
  if (hiddenTotal > 0 && hiddenLargest > share * hiddenTotal) {
    return { publish: false, reason: 'dominated', ...base };
  }
  return { publish: true, ...base };
}

function moreExposed(a: Exposure, b: Exposure): Exposure {
  if (a === 'named' || b === 'named') return a === b ? a : 'exposed';
  return a === 'exposed' || b === 'exposed' ? 'exposed' : 'hidden';
}

/** The figure itself: named and remainder together, added up or averaged over their series. */
export function figureOf(j: Judgement, combine: 'sum' | 'mean'): number {
  const value = j.named.value + j.remainder.value;
  if (combine === 'sum') return value;
  const weight = j.named.weight + j.remainder.weight;
  return weight === 0 ? 0 : value / weight;
}

/** The named households' part alone, as a figure of the same kind (their sum, or their mean). */
export function namedFigureOf(j: Judgement, combine: 'sum' | 'mean'): number | null {
  if (j.named.households === 0) return null;
  return combine === 'sum' ? j.named.value : j.named.value / j.named.weight;
}

/** One sentence per reason, for API bodies and the console. */
export function describeWithheld(reason: WithheldReason, policy: PrivacyPolicy): string {
  switch (reason) {
    case 'too_few':
      return `fewer than ${Math.max(MIN_K, policy.k)} private households contribute beyond the named ones: the figure would reveal them`;
    case 'dominated':
      return `one private household makes up more than ${Math.round(Math.min(MAX_DOMINANCE, policy.dominance) * 100)} % of what the private households contribute: the figure would reveal it`;
    case 'exposed_only':
      return 'what is not named comes only from households whose data was public: it would reveal them';
  }
}

/**
 * The withheld stretches of a collective range in words, for an API answer: each reason once, and
 * whether the whole range is withheld (`published` buckets: none) or only stretches of it.
 */
export function describeGaps(
  gaps: readonly { reason: WithheldReason | 'partial' }[],
  published: number,
  policy: PrivacyPolicy,
): string {
  const reasons = [
    ...new Set(
      gaps.map((g) =>
        g.reason === 'partial'
          ? 'made of finer buckets of which some are withheld'
          : describeWithheld(g.reason, policy),
      ),
    ),
  ].join('; ');
  return published === 0 ? `withheld: ${reasons}` : `${gaps.length} stretch(es) withheld: ${reasons}`;
}
