import { z } from 'zod';

/**
 * The withheld buckets of a collective figure, as runs [from, to) with the reason (docs/PRIVACY.md):
 * `too_few` (fewer than k private households beyond the named ones), `dominated` (one private
 * household makes up most of it), `exposed_only` (what is not named comes only from households that
 * were public), `partial` (a coarse bucket made of finer ones of which some are withheld).
 */
export const WithheldGaps = z.array(
  z.object({
    from: z.number(),
    to: z.number(),
    reason: z.enum(['too_few', 'dominated', 'exposed_only', 'partial']),
  }),
);
export type WithheldGaps = z.infer<typeof WithheldGaps>;
