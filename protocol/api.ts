import { z } from 'zod';
import { WithheldGaps } from './gaps.ts';
import { REJECT_REASONS } from './messages.ts';
import { Quantity } from './quantities.ts';
import { Tariff, TariffModel, TempoColour } from './tariff.ts';

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
  /** false while the hub's clock is behind the last time it knew: readings are held (docs/DEPLOY.md) */
  clockTrusted: z.boolean(),
  /** the hub's time, epoch ms */
  now: z.number(),
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
  /** the quantity's canonical unit: the one its values are stored and served in (/api/series) */
  unit: z.string(),
  /** the unit the device declared and sends, converted at ingest */
  sourceUnit: z.string(),
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
  /** what the board's firmware said, as the node last reported it; null when it said nothing */
  boardMessages: z.object({ count: z.number().int(), last: z.string().nullable() }).nullable(),
  /** the node's clock minus the hub's, in ms, from its last status; null when it sent no time */
  clockOffsetMs: z.number().nullable(),
  sensors: z.array(SensorInfo),
});
export type NodeInfo = z.infer<typeof NodeInfo>;

export const NodesBody = z.object({
  status: z.literal('ok'),
  /** the nodes of households that share (community or open) */
  nodes: z.array(NodeInfo),
  /** the nodes of private households, only counted (docs/PRIVACY.md) */
  private: z.object({ households: z.number().int(), nodes: z.number().int(), sensors: z.number().int() }),
});
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
  /** collective only: the most households a published bucket of the range was made of */
  households: z.number().int().optional(),
  /** collective only: set when buckets of the range are withheld (docs/PRIVACY.md), in words */
  withheld: z.string().optional(),
  /**
   * collective only: the withheld buckets, as runs [from, to), with the reason: `too_few` (fewer
   * than k private households beyond the named ones), `dominated` (one of them above the share),
   * `exposed_only` (only households whose data was public), `partial` (a coarse bucket of which
   * finer ones are withheld)
   */
  gaps: WithheldGaps.optional(),
  /**
   * collective only: the part of the households whose series are public (their sum, or their mean
   * for averaged quantities), bucket by bucket: always shown, withheld buckets included
   */
  named: z
    .object({
      households: z.number().int(),
      points: z.object({ t: z.array(z.number()), value: z.array(z.number()) }),
    })
    .optional(),
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

/**
 * `aggregate` events of /api/live (and the public MQTT topics): the collective figure of a quantity
 * for the last minute the hub has published (docs/PRIVACY.md). `value` is null when the minute is
 * withheld, with the reason; `named` is the part of the households whose series are public.
 */
export const LiveAggregate = z.object({
  quantity: Quantity,
  unit: z.string(),
  /** the start of the minute the figure covers */
  ts: z.number(),
  stepMs: z.number().int(),
  value: z.number().nullable(),
  households: z.number().int().nullable(),
  sensors: z.number().int().nullable(),
  named: z.object({ value: z.number(), households: z.number().int() }).nullable(),
  /** why `value` is null: as in `SeriesBody.gaps`, or `withdrawn` (a household changed: see the next minute) */
  withheld: z.enum(['too_few', 'dominated', 'exposed_only', 'withdrawn']).optional(),
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
  /** null for a private household's sensor: it is listed, never identified */
  series: z.string().nullable(),
  node: z.string().nullable(),
  sensor: z.string().nullable(),
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
  /**
   * The tariff in force today, summed up: `perKwh` is the mean price of a constant load
   * (docs/MONEY.md), `model` says which kind of tariff it is.
   */
  tariff: z.object({
    perKwh: z.number(),
    dailyCharge: z.number(),
    currency: z.string(),
    model: TariffModel,
  }),
  /** every tariff with the date it applies from, oldest first */
  tariffs: z.array(Tariff),
  /** the colour of today's and tomorrow's Tempo days, when known */
  tempo: z.object({ today: TempoColour.nullable(), tomorrow: TempoColour.nullable() }),
  /** the hub's time zone: tariff hours and dates are read in it */
  timeZone: z.string(),
  gridGco2PerKwh: z.number(),
  hubPowerW: z.number(),
  rawRetentionDays: z.number(),
});
export type SettingsBody = z.infer<typeof SettingsBody>;

// --- query parameters ---------------------------------------------------------------------------

/** Latest instant a query may name (2100-01-01): larger numbers are typos, not times. */
const LAST_TIME = 4_102_444_800_000;

/** A time parameter: epoch milliseconds or ISO 8601. */
export const TimeParam = z.string().transform((raw, ctx) => {
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value) || value < 0 || value > LAST_TIME) {
    ctx.addIssue({
      code: 'custom',
      message: `must be epoch milliseconds or an ISO 8601 time, got "${raw.slice(0, 40)}"`,
    });
    return z.NEVER;
  }
  return value;
});

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => `must be one of ${values.join(', ')}, got "${String(issue.input).slice(0, 40)}"`,
  });
}

/** GET /api/series: one series (`sensor`) or the collective of a quantity (`quantity`). */
export const SeriesParams = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  step: oneOf(['auto', 'raw', 'minute', 'hour', 'day'] as const).default('auto'),
  sensor: z.string().optional(),
  quantity: z.string().optional(),
});
export type SeriesParams = z.infer<typeof SeriesParams>;

/** A time zone by its IANA name (`Europe/Paris`), as the JavaScript runtime knows them. */
export const TimeZoneParam = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz.length <= 64;
    } catch {
      return false;
    }
  },
  { error: (issue) => `must be a time zone such as Europe/Paris, got "${String(issue.input).slice(0, 40)}"` },
);

/** GET /api/cost: the collective energy (`quantity=energy`), one series (`sensor`), or a household (`token`). */
export const CostParams = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  bucket: oneOf(['hour', 'day', 'month', 'none'] as const).default('hour'),
  quantity: z.string().optional(),
  sensor: z.string().optional(),
  token: z.string().optional(),
  tz: TimeZoneParam.optional(),
});
export type CostParams = z.infer<typeof CostParams>;

/** GET /api/export */
export const ExportParams = z.object({
  format: oneOf(['csv', 'ndjson'] as const).default('csv'),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
});
export type ExportParams = z.infer<typeof ExportParams>;
