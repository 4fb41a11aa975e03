import type { Db } from '../../hub/src/store/db.ts';
import { ReadingsStore } from '../../hub/src/store/readings-store.ts';
import { Registry, type SensorRow } from '../../hub/src/store/registry.ts';
import { bucketStart, PERIODS } from '../../hub/src/store/rollup.ts';
import { commitNow } from '../../hub/test/commit-entry.ts';
import type { Reading } from '../../protocol/index.ts';

/** Raw readings fed through the store's own commit path (raw rows and all rollups of that span). */
const RAW_HOURS = 6;
/** Minute rollups are seeded this far back; the day-span query reads only the last day of them. */
const MINUTE_DAYS = 3;
const STEP_MS = 10_000;

/** A household's power in W: a base load, an evening peak, a little noise; to 0.1 W. */
export function householdPower(sensor: number, ts: number): number {
  const hour = (ts / 3_600_000 + sensor * 0.37) % 24;
  const evening = Math.exp(-((hour - 19) ** 2) / 4) * 1500;
  const morning = Math.exp(-((hour - 7.5) ** 2) / 2) * 700;
  const watts = 150 + (sensor % 7) * 20 + evening + morning + ((ts / STEP_MS + sensor) % 13) * 3;
  // to 0.1 W, as a meter reader sends it (firmware/agent/drivers/round.ts), not 17 digits of float
  return Math.round(watts * 10) / 10;
}

/**
 * The documented bulk loader of the query benchmark: a year (or `days`) of 10-second power data for
 * every sensor. The last RAW_HOURS go through `ReadingsStore.commit` (the path ingest uses); older
 * rollup rows are computed here the way RollupAccumulator folds readings (count, sum, min, max and
 * last of the 10-second values in the bucket, from 24 samples a bucket for speed) and inserted
 * directly, because feeding 630 M readings through the store would take hours. Hour and day rollups
 * cover the whole span; minute rollups the last MINUTE_DAYS days (older minute rows are never read
 * by a chart, which switches to hours past two days). `energyIds`: energy meters of the same
 * households, as rollups of their 10-second deltas (Wh) up to now, with no raw readings.
 */
export function seedYear(
  db: Db,
  sensorIds: readonly number[],
  now: number,
  opts: { days?: number; energyIds?: readonly number[] } = {},
): Record<string, number> {
  const registry = new Registry({ db });
  registry.load();
  const store = new ReadingsStore({ db, registry });
  const rawFrom = Math.floor((now - RAW_HOURS * 3_600_000) / 3_600_000) * 3_600_000;
  let raw = 0;
  let seq = 0;
  for (let t0 = rawFrom; t0 < now; t0 += 600_000) {
    const entries = [];
    for (const id of sensorIds) {
      const sensor = registry.sensorById(id);
      if (!sensor) continue;
      const readings: Reading[] = [];
      for (let ts = t0; ts < Math.min(t0 + 600_000, now); ts += STEP_MS) {
        readings.push({ ...asReading(sensor), ts, seq: seq++, value: householdPower(id, ts) });
      }
      raw += readings.length;
      entries.push({ node: sensor.node_id, receivedAt: now, readings });
    }
    commitNow(store, entries, { maxPastMs: Number.POSITIVE_INFINITY, maxFutureMs: Number.POSITIVE_INFINITY });
  }
  // what the store holds goes into the database, the open hour and day included
  store.close();
  const insert = db.prepare(
    'INSERT OR IGNORE INTO rollups (sensor_id, period, start, count, sum, min, max, last, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let rollups = 0;
  // `value(id, t)` is a reading's value at t; `upTo` the end of the filled span
  const fill = (
    ids: readonly number[],
    period: number,
    from: number,
    upTo: number,
    value: (id: number, t: number) => number,
  ) => {
    db.transaction(() => {
      for (const id of ids) {
        for (let start = from; start < upTo; start += period) {
          let sum = 0;
          let min = Number.POSITIVE_INFINITY;
          let max = Number.NEGATIVE_INFINITY;
          let last = 0;
          const sample = Math.max(60_000, period / 24);
          const n = period / sample;
          for (let t = start; t < start + period; t += sample) {
            last = value(id, t);
            sum += last;
            if (last < min) min = last;
            if (last > max) max = last;
          }
          const count = period / STEP_MS;
          insert.run(id, period, start, count, (sum / n) * count, min, max, last, start + period - STEP_MS);
          rollups++;
        }
      }
    })();
  };
  const spanStart = Math.floor((now - (opts.days ?? 365) * 86_400_000) / PERIODS.day) * PERIODS.day;
  const minuteStart = Math.floor((now - MINUTE_DAYS * 86_400_000) / PERIODS.minute) * PERIODS.minute;
  fill(sensorIds, PERIODS.day, spanStart, rawFrom, householdPower);
  fill(sensorIds, PERIODS.hour, spanStart, rawFrom, householdPower);
  fill(sensorIds, PERIODS.minute, minuteStart, rawFrom, householdPower);
  // a meter's delta over 10 s of the household's power, in Wh, in whole buckets up to now (no cell
  // ends in the future)
  const energy = (id: number, t: number) => (householdPower(id, t) * STEP_MS) / 3_600_000;
  for (const period of [PERIODS.day, PERIODS.hour, PERIODS.minute]) {
    const from = period === PERIODS.minute ? minuteStart : spanStart;
    fill(opts.energyIds ?? [], period, from, bucketStart(now, period), energy);
  }
  return { raw, rollups };
}

function asReading(sensor: SensorRow): Pick<Reading, 'sensor' | 'quantity' | 'unit'> {
  return { sensor: sensor.sensor, quantity: sensor.quantity, unit: sensor.unit };
}
