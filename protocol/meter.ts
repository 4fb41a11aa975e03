import { z } from 'zod';
import { TempoColour } from './tariff.ts';

/**
 * What a node that reads a utility meter's own output (a Linky's TIC, a DSMR P1 port) says about
 * the meter, beside its readings: the contract in its `meta`, the tariff period in its `status`.
 * docs/METERS.md lists where each field comes from.
 */

/** The meter in a node's `meta`: what changes only with the contract. */
export const MeterDescription = z.object({
  /** `tic`: a French Linky (or the electronic meter before it); `p1`: a DSMR meter (NL, BE, LU) */
  kind: z.enum(['tic', 'p1']),
  /** how a TIC speaks: `historique` (1200 baud) or `standard` (9600 baud) */
  mode: z.enum(['historique', 'standard']).optional(),
  phases: z.union([z.literal(1), z.literal(3)]).optional(),
  /** the contract's name as the meter gives it: "HC..", "BBR(", "BASE" (historic), NGTF (standard) */
  option: z.string().max(32).optional(),
  /**
   * the subscribed power in VA: PREF × 1000 (standard mode); in historic mode the meter gives the
   * subscribed current ISOUSC, and Enedis converts it at 200 V a phase (Enedis-NOI-CPT_54E)
   */
  subscribedVA: z.number().nonnegative().max(1e6).optional(),
  /** the subscribed current, A, when the meter gives it (historic ISOUSC) */
  subscribedA: z.number().nonnegative().max(1000).optional(),
  /** the meter counts energy sent to the grid (standard mode: EAIT present, or STGE bit 8) */
  producer: z.boolean().optional(),
});
export type MeterDescription = z.infer<typeof MeterDescription>;

/** The meter in a node's `status`: what changes during the day. A field left out keeps its value. */
export const MeterStatus = z.object({
  /** the tariff period in progress as the meter names it: "HC..", "HPJB" (PTEC), "HEURE CREUSE" (LTARF) */
  period: z.string().max(32).optional(),
  /** the register counting now, 1-10: the supplier's index (NTARF, STGE), DSMR's tariff indicator */
  index: z.number().int().min(1).max(10).optional(),
  /** true in off-peak hours, when the period's name says so (HC, "CREUSE"), false in peak hours */
  offPeak: z.boolean().optional(),
  /** Tempo contracts: today's colour, and tomorrow's once announced (null: not announced yet) */
  tempoToday: TempoColour.optional(),
  tempoTomorrow: TempoColour.nullable().optional(),
});
export type MeterStatus = z.infer<typeof MeterStatus>;
