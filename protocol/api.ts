import { z } from 'zod';
import { REJECT_REASONS } from './messages.ts';
import { Quantity } from './quantities.ts';

/**
 * Bodies of the read-only HTTP API (docs/API.md). The hub builds them, tests validate them with
 * these schemas, and the dashboard imports the inferred types (types only: no zod in the bundle).
 */

export const SharingLevel = z.enum(['private', 'community', 'open']);
export type SharingLevel = z.infer<typeof SharingLevel>;

export const HouseholdKind = z.enum(['household', 'place']);
export type HouseholdKind = z.infer<typeof HouseholdKind>;

export const ErrorBody = z.object({ status: z.literal('error'), error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HealthBody = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeS: z.number(),
  nodes: z.number().int(),
  /** readings waiting for the next group commit */
  pending: z.number().int(),
  lastCommitTs: z.number().nullable(),
  neighbourhood: z.string(),
  /** things the hub wants people to know: restored from backup, disk full, ... */
  notices: z.array(z.string()),
});
export type HealthBody = z.infer<typeof HealthBody>;

export const NodeState = z.enum(['online', 'late', 'offline', 'never']);
export type NodeState = z.infer<typeof NodeState>;

export const RejectReasonSchema = z.enum(REJECT_REASONS);

export const Rejection = z.object({ ts: z.number(), reason: RejectReasonSchema, detail: z.string() });
export type Rejection = z.infer<typeof Rejection>;

export const SensorInfo = z.object({
  id: z.string(),
  series: z.string(),
  quantity: Quantity,
  unit: z.string(),
  label: z.string().nullable(),
  /**
   * The latest reading of a gauge (temperature, CO2, power…) received since the hub started, when
   * the caller may see the series (community and open households, or the owner); null otherwise.
   */
  last: z.object({ ts: z.number(), value: z.number() }).nullable(),
});
export type SensorInfo = z.infer<typeof SensorInfo>;

export const NodeInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** null when the household's sharing level keeps it unnamed in public */
  household: z.object({ id: z.string(), name: z.string(), kind: HouseholdKind }).nullable(),
  sharing: SharingLevel,
  demo: z.boolean(),
  board: z.string().nullable(),
  state: NodeState,
  lastSeen: z.number().nullable(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  gaps: z.number().int(),
  rejectedByReason: z.record(z.string(), z.number().int()),
  lastRejections: z.array(Rejection),
  rssi: z.number().nullable(),
  battery: z.number().nullable(),
  powerW: z.number().nullable(),
  sensors: z.array(SensorInfo),
});
export type NodeInfo = z.infer<typeof NodeInfo>;

export const NodesBody = z.object({ status: z.literal('ok'), nodes: z.array(NodeInfo) });
export type NodesBody = z.infer<typeof NodesBody>;

export const SeriesStep = z.enum(['raw', 'minute', 'hour', 'day']);
export type SeriesStep = z.infer<typeof SeriesStep>;

export const SeriesBody = z.object({
  status: z.literal('ok'),
  /** `<node>/<sensor>` for one series, `collective/<quantity>` for the aggregate */
  series: z.string(),
  quantity: Quantity,
  unit: z.string(),
  step: SeriesStep,
  stepMs: z.number().int(),
  from: z.number(),
  to: z.number(),
  /** collective only: how many households contribute to the whole range */
  households: z.number().int().optional(),
  /** set when the aggregate is withheld (fewer than k households): the reason, in words */
  withheld: z.string().optional(),
  /**
   * Columns, one entry per bucket (or per raw reading). `value` is the mean of the bucket for
   * gauges and the sum for counters (energy in the bucket); min/max are of the raw values.
   */
  points: z.object({
    t: z.array(z.number()),
    value: z.array(z.number()),
    min: z.array(z.number()),
    max: z.array(z.number()),
  }),
});
export type SeriesBody = z.infer<typeof SeriesBody>;

/** `reading` events of /api/live: one stored reading of a series the public may see. */
export const LiveReading = z.object({
  series: z.string(),
  node: z.string(),
  sensor: z.string(),
  quantity: Quantity,
  unit: z.string(),
  ts: z.number(),
  value: z.number(),
});
export type LiveReading = z.infer<typeof LiveReading>;

/** `aggregate` events of /api/live: the collective figure of a quantity, emitted after each commit. */
export const LiveAggregate = z.object({
  quantity: Quantity,
  unit: z.string(),
  ts: z.number(),
  value: z.number(),
  households: z.number().int(),
  sensors: z.number().int(),
});
export type LiveAggregate = z.infer<typeof LiveAggregate>;

/** `node` events of /api/live: a node came online, went offline, or had a message rejected. */
export const LiveNode = z.object({
  id: z.string(),
  state: NodeState,
  lastSeen: z.number().nullable(),
  accepted: z.number().int(),
  rejected: z.number().int(),
});
export type LiveNode = z.infer<typeof LiveNode>;

export const RegisterEntry = z.object({
  series: z.string(),
  node: z.string(),
  sensor: z.string(),
  quantity: Quantity,
  unit: z.string(),
  label: z.string().nullable(),
  household: z.string().nullable(),
  sharing: SharingLevel,
  /** how long raw readings are kept, in days; rollups are kept */
  rawRetentionDays: z.number(),
  visibleTo: z.string(),
  inOpenData: z.boolean(),
});
export type RegisterEntry = z.infer<typeof RegisterEntry>;

export const RegisterBody = z.object({
  status: z.literal('ok'),
  neighbourhood: z.string(),
  statement: z.string(),
  entries: z.array(RegisterEntry),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

/** `GET /api/household?token=T`: what a household's private link opens (its nodes, named). */
export const HouseholdBody = z.object({
  status: z.literal('ok'),
  household: z.object({ id: z.string(), name: z.string(), kind: HouseholdKind, sharing: SharingLevel }),
  nodes: z.array(NodeInfo),
});
export type HouseholdBody = z.infer<typeof HouseholdBody>;

/** `GET /api/settings`: what the dashboard needs to put figures in context, as set on the console. */
export const SettingsBody = z.object({
  status: z.literal('ok'),
  neighbourhood: z.string(),
  tariff: z.object({ perKwh: z.number(), dailyCharge: z.number(), currency: z.string() }),
  gridGco2PerKwh: z.number(),
  hubPowerW: z.number(),
  rawRetentionDays: z.number(),
});
export type SettingsBody = z.infer<typeof SettingsBody>;
