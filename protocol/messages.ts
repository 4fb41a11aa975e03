import { z } from 'zod';
import { NodeId, SensorId } from './ids.ts';
import { MeterDescription, MeterStatus } from './meter.ts';
import { Quantity } from './quantities.ts';

/** The most readings one message may carry; a node replaying its buffer sends several messages. */
export const MAX_READINGS_PER_MESSAGE = 500;

/**
 * One reading. `value` may be `null` on the wire when a sensor failed (ArduinoJson and Tasmota
 * write NaN, which the hub turns into null before validation): such a reading is rejected as
 * `not_finite`, the others of the message are kept.
 */
export const Reading = z.object({
  sensor: SensorId,
  quantity: Quantity,
  unit: z.string().min(1).max(16),
  value: z.number().nullable(),
  /** the node's own clock, epoch milliseconds */
  ts: z.number().int(),
  /**
   * per-node sequence number, +1 for every reading the node produces (across all its sensors). At
   * most 2^53 − 1: past it a double cannot tell two neighbours apart, and the gap count would break.
   */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type Reading = z.infer<typeof Reading>;

/** Payload of `communs/v1/nodes/<node>/readings`. */
export const ReadingsMessage = z.object({
  v: z.literal(1).optional(),
  readings: z.array(Reading).min(1).max(MAX_READINGS_PER_MESSAGE),
});
export type ReadingsMessage = z.infer<typeof ReadingsMessage>;

/** Payload of `communs/v1/nodes/<node>/status` (retained). The last will is `{"state":"offline"}`. */
export const StatusMessage = z.object({
  state: z.enum(['online', 'offline']),
  ts: z.number().int().optional(),
  uptime: z.number().nonnegative().optional(),
  rssi: z.number().optional(),
  battery: z.number().min(0).max(100).optional(),
  /** readings waiting in the node's store-and-forward queue */
  queued: z.number().int().nonnegative().optional(),
  /** readings the node's queue had to drop (oldest first) when full */
  dropped: z.number().int().nonnegative().optional(),
  /** a node reading a utility meter: the tariff period and Tempo colours (absent: unchanged) */
  meter: MeterStatus.optional(),
  /** messages the board's firmware sent since the agent started (Firmata STRING_DATA: a bad config, an I2C device not answering) */
  boardMessages: z.number().int().nonnegative().optional(),
  /** the last of them, as the firmware wrote it */
  lastBoardMessage: z.string().max(120).optional(),
});
export type StatusMessage = z.infer<typeof StatusMessage>;

export const SensorDescription = z.object({
  id: SensorId,
  quantity: Quantity,
  unit: z.string().min(1).max(16),
  /** what a person sees: "Kitchen meter", "Living room CO2" */
  label: z.string().max(80).optional(),
  /**
   * another sensor of the node whose reading this one's is a part of (a tariff register of the
   * meter's total, one phase of three): collective figures count the whole, not its parts too
   */
  partOf: SensorId.optional(),
});
export type SensorDescription = z.infer<typeof SensorDescription>;

/** Payload of `communs/v1/nodes/<node>/meta` (retained): what the node is and what it measures. */
export const MetaMessage = z.object({
  node: NodeId,
  board: z.string().max(40),
  firmware: z.string().max(60).optional(),
  kit: z.string().max(40).optional(),
  /** the node's declared electrical draw, for the footprint view */
  powerW: z.number().nonnegative().max(100).optional(),
  sensors: z.array(SensorDescription).max(64),
  /** a node reading a utility meter: the meter and its contract */
  meter: MeterDescription.optional(),
});
export type MetaMessage = z.infer<typeof MetaMessage>;

/** Why the hub refused a message or a reading. Counted per node; see docs/PROTOCOL.md. */
export const REJECT_REASONS = [
  'bad_json',
  'bad_schema',
  'too_large',
  'topic_denied',
  'unknown_sensor',
  'unknown_field',
  'unit_mismatch',
  'out_of_range',
  'not_finite',
  'ts_past',
  'ts_future',
  'clock_off',
  'duplicate',
  'out_of_order',
  'store_failed',
  'clock_untrusted',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
