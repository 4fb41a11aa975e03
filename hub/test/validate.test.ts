import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUANTITY_NAMES, Reading } from '../../protocol/index.ts';
import { type SensorLookup, validateReading, wellFormed } from '../src/ingest/validate.ts';
import type { SensorRow } from '../src/store/registry.ts';

const row = (sensor: string, quantity: SensorRow['quantity'], unit: string, id: number): SensorRow => ({
  id,
  node_id: 'n1',
  sensor,
  quantity,
  unit,
  label: null,
  last_total: null,
  last_total_ts: null,
  meter_offset: 0,
  part_of: null,
});
const declared = [row('p', 'power', 'W', 1), row('e', 'energy', 'Wh', 2), row('t', 'temperature', '°C', 3)];
const sensors: SensorLookup = {
  sensor: (node, id) => (node === 'n1' ? declared.find((s) => s.sensor === id) : undefined),
};

/** Values of every JSON type, with the edges that once slipped through: 2^63, -0, NaN-like strings. */
const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 2 ** 53 - 1, 2 ** 53, 2 ** 63, -1, 1e308, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anyValue });

/** Readings close to valid ones, each field now and then replaced by anything. */
const nearlyReadings = fc.record(
  {
    sensor: maybe(fc.constantFrom('p', 'e', 't', 'x', 'P', '', 'a'.repeat(70))),
    quantity: maybe(fc.constantFrom(...QUANTITY_NAMES, 'Power', '')),
    unit: maybe(fc.constantFrom('W', 'kW', 'Wh', 'kWh', '°C', '°F', '', 'x'.repeat(17))),
    value: maybe(fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.constant(null))),
    ts: maybe(fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.maxSafeInteger())),
    seq: maybe(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constant(2 ** 63))),
  },
  { requiredKeys: [] },
);

describe('the hand-written fast check of a reading and the Reading schema agree', () => {
  it('never accepts what the schema refuses, and gives the same reading when it accepts', () => {
    fc.assert(
      fc.property(nearlyReadings, (raw) => {
        const fast = wellFormed('n1', raw, sensors);
        const schema = Reading.safeParse(raw);
        if (fast) {
          expect(schema.success).toBe(true);
          expect(fast).toEqual(schema.data);
        }
        // and a reading the schema accepts, of a declared sensor of that quantity, takes the fast path
        if (schema.success && sensors.sensor('n1', schema.data.sensor)?.quantity === schema.data.quantity) {
          expect(fast).toEqual(schema.data);
        }
      }),
      { numRuns: 5_000, seed: 20261205 },
    );
  });

  it('validateReading decides the same with or without the fast path', () => {
    const opts = { sensors, now: Date.UTC(2026, 11, 5), maxPastMs: 30 * 86_400_000, maxFutureMs: 600_000 };
    const noFastPath: SensorLookup = { sensor: () => undefined };
    fc.assert(
      fc.property(nearlyReadings, (raw) => {
        const decided = validateReading('n1', raw, opts);
        // the schema alone: the reason is the schema's whenever the fast path declines
        const schema = Reading.safeParse(raw);
        if (!schema.success) expect(decided).toMatchObject({ reason: 'bad_schema' });
        else if ('reason' in decided) expect(decided.reason).not.toBe('bad_schema');
        expect(wellFormed('n1', raw, noFastPath)).toBeUndefined();
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });

  it('a sequence number of 2^63 is refused as bad_schema (it would ruin the gap counter)', () => {
    const r = {
      sensor: 'p',
      quantity: 'power',
      unit: 'W',
      value: 1,
      ts: Date.UTC(2026, 11, 5),
      seq: 2 ** 63,
    };
    const opts = { sensors, now: Date.UTC(2026, 11, 5), maxPastMs: 86_400_000, maxFutureMs: 600_000 };
    expect(validateReading('n1', r, opts)).toMatchObject({ reason: 'bad_schema' });
  });
});
