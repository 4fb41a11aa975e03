import { z } from 'zod';

/**
 * GET /api/counter-events?node=ID: what the counter guard recorded for a node's totals (a meter
 * reset, replaced, or a jump after an outage), so the node page can say why a day looks the way it
 * does. Answered only for nodes whose household shares at least `community`.
 */
export const CounterEvent = z.object({
  sensor: z.string(),
  ts: z.number(),
  kind: z.enum(['reset', 'jump', 'backwards']),
  /** the totals before and after, in the quantity's canonical unit (Wh, count) */
  previous: z.number().nullable(),
  current: z.number().nullable(),
});
export type CounterEvent = z.infer<typeof CounterEvent>;

export const CounterEventsBody = z.object({
  status: z.literal('ok'),
  node: z.string(),
  events: z.array(CounterEvent),
});
export type CounterEventsBody = z.infer<typeof CounterEventsBody>;
