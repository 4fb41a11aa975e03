import { z } from 'zod';
import { Quantity } from '../quantities.ts';
import { TOPIC_ROOT } from '../topics.ts';

/**
 * Federation between neighbourhood hubs: only collective aggregates (k >= 3 households) travel,
 * retained, on `communs/v1/federation/<neighbourhood>/<quantity>`. No node, household or series
 * identifier is part of the message.
 */
export const FEDERATION_ROOT = `${TOPIC_ROOT}/federation/`;

export const federationTopic = (neighbourhood: string, quantity: string): string =>
  `${FEDERATION_ROOT}${neighbourhood}/${quantity}`;

/** A neighbourhood as a topic level: "Quartier Nord" → "quartier-nord". */
export function neighbourhoodSlug(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug || 'communs';
}

export function parseFederationTopic(topic: string): { neighbourhood: string; quantity: string } | undefined {
  if (!topic.startsWith(FEDERATION_ROOT)) return;
  const [neighbourhood, quantity, ...rest] = topic.slice(FEDERATION_ROOT.length).split('/');
  if (!neighbourhood || !quantity || rest.length > 0) return;
  return { neighbourhood, quantity };
}

export const FederationAggregate = z.object({
  v: z.literal(1),
  neighbourhood: z.string().min(1).max(80),
  quantity: Quantity,
  unit: z.string().min(1).max(16),
  ts: z.number().int(),
  value: z.number(),
  households: z.number().int().min(3),
});
export type FederationAggregate = z.infer<typeof FederationAggregate>;

/** GET /api/neighbours */
export const NeighboursBody = z.object({
  status: z.literal('ok'),
  neighbourhoods: z.array(
    z.object({
      neighbourhood: z.string(),
      aggregates: z.array(FederationAggregate.omit({ v: true }).extend({ receivedAt: z.number() })),
    }),
  ),
});
export type NeighboursBody = z.infer<typeof NeighboursBody>;
