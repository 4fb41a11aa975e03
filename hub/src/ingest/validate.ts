import { z } from 'zod';
import {
  MAX_READINGS_PER_MESSAGE,
  QUANTITIES,
  Reading,
  type RejectReason,
  toCanonical,
} from '../../../protocol/index.ts';
import type { SensorRow } from '../store/registry.ts';
import { parseJsonPayload } from './payload.ts';

export interface Rejected {
  reason: RejectReason;
  detail: string;
}

/** A reading that passed validation, in the quantity's canonical unit (counters still as totals). */
export interface ValidReading {
  sensor: SensorRow;
  ts: number;
  seq: number;
  value: number;
}

/** Where validation looks sensors up: the registry, or a commit's stage of it (registry-stage.ts). */
export interface SensorLookup {
  sensor(nodeId: string, sensor: string): SensorRow | undefined;
}

export interface ValidateOptions {
  sensors: SensorLookup;
  now: number;
  /** readings older than this are refused as `ts_past` (they would be purged at once) */
  maxPastMs: number;
  /** a node clock this far ahead of the hub is refused as `ts_future` */
  maxFutureMs: number;
}

const Envelope = z.object({ v: z.literal(1).optional(), readings: z.array(z.unknown()).min(1) });

/**
 * The first step of a native readings message: the payload must be JSON with a `readings` array of
 * at most MAX_READINGS_PER_MESSAGE; a bad message is rejected whole. Each reading is checked later,
 * in the commit (`validateReading`), where a bad one is rejected alone.
 */
export function parseReadingsPayload(payload: Buffer): { readings: unknown[]; rejections: Rejected[] } {
  const parsed = parseJsonPayload(payload);
  if (!parsed.ok) return { readings: [], rejections: [{ reason: 'bad_json', detail: parsed.detail }] };
  const env = Envelope.safeParse(parsed.value);
  if (!env.success)
    return { readings: [], rejections: [{ reason: 'bad_schema', detail: describeZodError(env.error) }] };
  if (env.data.readings.length > MAX_READINGS_PER_MESSAGE) {
    return {
      readings: [],
      rejections: [
        {
          reason: 'too_large',
          detail: `${env.data.readings.length} readings in one message, at most ${MAX_READINGS_PER_MESSAGE}`,
        },
      ],
    };
  }
  return { readings: env.data.readings, rejections: [] };
}

export function validateReading(node: string, raw: unknown, opts: ValidateOptions): ValidReading | Rejected {
  let reading = wellFormed(node, raw, opts.sensors);
  if (!reading) {
    const r = Reading.safeParse(raw);
    if (!r.success) return { reason: 'bad_schema', detail: describeZodError(r.error) };
    reading = r.data;
  }
  const { sensor: sensorId, quantity, unit, value, ts, seq } = reading;
  const sensor = opts.sensors.sensor(node, sensorId);
  if (!sensor) return { reason: 'unknown_sensor', detail: `"${sensorId}" is not in the node's meta message` };
  if (sensor.quantity !== quantity) {
    return { reason: 'unit_mismatch', detail: `"${sensorId}" measures ${sensor.quantity}, got ${quantity}` };
  }
  if (value === null || !Number.isFinite(value))
    return { reason: 'not_finite', detail: `"${sensorId}" sent no number` };
  const canonical = toCanonical(quantity, unit, value);
  if (canonical === undefined) {
    const accepted = Object.keys(QUANTITIES[quantity].units).join(', ');
    return { reason: 'unit_mismatch', detail: `unit "${unit}" does not fit ${quantity} (use ${accepted})` };
  }
  const spec = QUANTITIES[quantity];
  if (canonical < spec.min || canonical > spec.max) {
    return {
      reason: 'out_of_range',
      detail: `${quantity} ${canonical} ${spec.unit} is outside ${spec.min}..${spec.max}`,
    };
  }
  if (ts < opts.now - opts.maxPastMs) return { reason: 'ts_past', detail: `timestamp ${iso(ts)} is too old` };
  if (ts > opts.now + opts.maxFutureMs) {
    return { reason: 'ts_future', detail: `timestamp ${iso(ts)} is ahead of the hub clock` };
  }
  return { sensor, ts, seq, value: canonical };
}

/**
 * The common case without zod (a tenth of ingest's time per reading): a reading whose every field
 * has the type `Reading` asks for, of a sensor the node declared (so its id and quantity are valid).
 * Anything else goes through `Reading.safeParse`, which decides and says why. It must never accept
 * what the schema refuses: hub/test/validate.test.ts checks the two agree on generated input.
 */
export function wellFormed(node: string, raw: unknown, sensors: SensorLookup): Reading | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { sensor, quantity, unit, value, ts, seq } = raw as Record<string, unknown>;
  if (
    typeof sensor !== 'string' ||
    typeof unit !== 'string' ||
    unit.length < 1 ||
    unit.length > 16 ||
    (value !== null && !Number.isFinite(value)) ||
    !Number.isSafeInteger(ts) ||
    !Number.isSafeInteger(seq) ||
    (seq as number) < 0
  )
    return undefined;
  const known = sensors.sensor(node, sensor);
  if (!known || known.quantity !== quantity) return undefined;
  return { sensor, quantity, unit, value, ts, seq } as Reading;
}

function iso(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}

export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length ? issue.path.join('.') : 'message';
  return `${where}: ${issue.message}`.slice(0, 160);
}
