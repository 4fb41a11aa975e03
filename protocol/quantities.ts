import { z } from 'zod';

/**
 * Every physical quantity Communs stores, with its canonical unit, the units accepted on the wire
 * (converted at ingest), and the physical range outside which a value is rejected as implausible.
 *
 * `kind: 'counter'` marks running totals (energy meters, pulse counts): they are stored as deltas
 * with reset and jump detection (see hub/src/ingest/counter-guard.ts). `maxRate` bounds a counter's
 * plausible increase per hour (a jump above it is recorded as an event, not stored as a giant delta).
 */
export interface UnitConversion {
  /** canonical = value * factor + offset */
  factor: number;
  offset?: number;
}

export interface QuantitySpec {
  unit: string;
  kind: 'gauge' | 'counter';
  min: number;
  max: number;
  units: Record<string, UnitConversion>;
  /** counters only: the largest plausible increase per hour, in the canonical unit */
  maxRate?: number;
  /** how the collective aggregate combines households: power adds up, temperature averages */
  collective: 'sum' | 'mean';
}

export const QUANTITIES = {
  power: {
    unit: 'W',
    kind: 'gauge',
    min: -1e6,
    max: 1e6,
    units: { W: { factor: 1 }, kW: { factor: 1000 }, mW: { factor: 0.001 } },
    collective: 'sum',
  },
  /**
   * Power a local installation produces: a clamp on a solar inverter's line (a clamp sensor with
   * `"production": true`). Kept apart from `power` so consumption figures never count it
   * (docs/COLLECTIVE.md, production and shared self-consumption).
   */
  power_produced: {
    unit: 'W',
    kind: 'gauge',
    min: 0,
    max: 1e6,
    units: { W: { factor: 1 }, kW: { factor: 1000 } },
    collective: 'sum',
  },
  /** what the line carries, volts × amperes: above real power when the power factor is below 1 */
  apparent_power: {
    unit: 'VA',
    kind: 'gauge',
    min: 0,
    max: 1e6,
    units: { VA: { factor: 1 }, kVA: { factor: 1000 } },
    collective: 'sum',
  },
  reactive_power: {
    unit: 'var',
    kind: 'gauge',
    min: -1e6,
    max: 1e6,
    units: { var: { factor: 1 }, kvar: { factor: 1000 }, VAr: { factor: 1 } },
    collective: 'sum',
  },
  energy: {
    unit: 'Wh',
    kind: 'counter',
    min: 0,
    max: 1e13,
    // 250 kW for one hour: far above any household or small shared building
    maxRate: 250_000,
    units: { Wh: { factor: 1 }, kWh: { factor: 1000 }, MWh: { factor: 1e6 } },
    collective: 'sum',
  },
  /** energy sent to the grid (solar panels): a meter of its own, never netted against `energy` */
  energy_exported: {
    unit: 'Wh',
    kind: 'counter',
    min: 0,
    max: 1e13,
    maxRate: 250_000,
    units: { Wh: { factor: 1 }, kWh: { factor: 1000 }, MWh: { factor: 1e6 } },
    collective: 'sum',
  },
  pulses: {
    unit: 'count',
    kind: 'counter',
    min: 0,
    max: 2 ** 53,
    maxRate: 1_000_000,
    units: { count: { factor: 1 }, imp: { factor: 1 }, pulses: { factor: 1 } },
    collective: 'sum',
  },
  /** a gas meter's index */
  gas: {
    unit: 'm³',
    kind: 'counter',
    min: 0,
    max: 1e9,
    // 100 m³ in an hour: a large boiler room, far above a household's ~2 m³/h
    maxRate: 100,
    units: {
      'm³': { factor: 1 },
      m3: { factor: 1 },
      L: { factor: 0.001 },
      'ft³': { factor: 0.028_316_846_6 },
    },
    collective: 'sum',
  },
  current: {
    unit: 'A',
    kind: 'gauge',
    min: -1000,
    max: 1000,
    units: { A: { factor: 1 }, mA: { factor: 0.001 } },
    collective: 'sum',
  },
  voltage: {
    unit: 'V',
    kind: 'gauge',
    min: 0,
    max: 1000,
    units: { V: { factor: 1 }, mV: { factor: 0.001 } },
    collective: 'mean',
  },
  power_factor: {
    unit: '1',
    kind: 'gauge',
    min: -1,
    max: 1,
    units: { '1': { factor: 1 }, '%': { factor: 0.01 } },
    collective: 'mean',
  },
  /** mains frequency, or any frequency a device reports */
  frequency: {
    unit: 'Hz',
    kind: 'gauge',
    min: 0,
    max: 1e9,
    units: { Hz: { factor: 1 }, kHz: { factor: 1000 }, MHz: { factor: 1e6 } },
    collective: 'mean',
  },
  temperature: {
    unit: '°C',
    kind: 'gauge',
    min: -90,
    max: 150,
    units: {
      '°C': { factor: 1 },
      C: { factor: 1 },
      K: { factor: 1, offset: -273.15 },
      '°F': { factor: 5 / 9, offset: -160 / 9 },
    },
    collective: 'mean',
  },
  humidity: {
    unit: '%',
    kind: 'gauge',
    min: 0,
    max: 100,
    units: { '%': { factor: 1 } },
    collective: 'mean',
  },
  pressure: {
    unit: 'hPa',
    kind: 'gauge',
    min: 300,
    max: 1100,
    units: { hPa: { factor: 1 }, Pa: { factor: 0.01 }, kPa: { factor: 10 }, mbar: { factor: 1 } },
    collective: 'mean',
  },
  co2: {
    unit: 'ppm',
    kind: 'gauge',
    min: 0,
    max: 40_000,
    units: { ppm: { factor: 1 } },
    collective: 'mean',
  },
  /** Sensirion's VOC index (SGP40/41, SEN5x): 100 is the sensor's learned average, 1..500 */
  voc_index: {
    unit: 'index',
    kind: 'gauge',
    min: 0,
    max: 500,
    units: { index: { factor: 1 } },
    collective: 'mean',
  },
  /** Sensirion's NOx index (SGP41, SEN5x): 1 is the learned average, 1..500 */
  nox_index: {
    unit: 'index',
    kind: 'gauge',
    min: 0,
    max: 500,
    units: { index: { factor: 1 } },
    collective: 'mean',
  },
  pm1: {
    unit: 'µg/m³',
    kind: 'gauge',
    min: 0,
    max: 2000,
    units: { 'µg/m³': { factor: 1 }, 'ug/m3': { factor: 1 } },
    collective: 'mean',
  },
  pm25: {
    unit: 'µg/m³',
    kind: 'gauge',
    min: 0,
    max: 2000,
    units: { 'µg/m³': { factor: 1 }, 'ug/m3': { factor: 1 } },
    collective: 'mean',
  },
  pm10: {
    unit: 'µg/m³',
    kind: 'gauge',
    min: 0,
    max: 2000,
    units: { 'µg/m³': { factor: 1 }, 'ug/m3': { factor: 1 } },
    collective: 'mean',
  },
  light: {
    unit: '%',
    kind: 'gauge',
    min: 0,
    max: 100,
    units: { '%': { factor: 1 } },
    collective: 'mean',
  },
  /** illuminance from a lux sensor (BH1750, TSL2561), unlike `light`, an LDR's share of full scale */
  illuminance: {
    unit: 'lx',
    kind: 'gauge',
    min: 0,
    max: 200_000,
    units: { lx: { factor: 1 } },
    collective: 'mean',
  },
  sound: {
    unit: 'dB',
    kind: 'gauge',
    min: 0,
    max: 200,
    units: { dB: { factor: 1 } },
    collective: 'mean',
  },
  rssi: {
    unit: 'dBm',
    kind: 'gauge',
    min: -150,
    max: 0,
    units: { dBm: { factor: 1 } },
    collective: 'mean',
  },
  battery: {
    unit: '%',
    kind: 'gauge',
    min: 0,
    max: 100,
    units: { '%': { factor: 1 } },
    collective: 'mean',
  },
  /** a time span a device reports (its uptime, a pump's run time) */
  duration: {
    unit: 's',
    kind: 'gauge',
    min: 0,
    max: 1e10,
    units: {
      s: { factor: 1 },
      ms: { factor: 0.001 },
      min: { factor: 60 },
      h: { factor: 3600 },
      d: { factor: 86_400 },
    },
    collective: 'mean',
  },
} as const satisfies Record<string, QuantitySpec>;

export type Quantity = keyof typeof QUANTITIES;
export const QUANTITY_NAMES = Object.keys(QUANTITIES) as Quantity[];
export const Quantity = z.enum(QUANTITY_NAMES as [Quantity, ...Quantity[]]);

export function quantitySpec(q: Quantity): QuantitySpec {
  return QUANTITIES[q];
}

/** Converts a value to the quantity's canonical unit; `undefined` when the unit does not fit. */
export function toCanonical(q: Quantity, unit: string, value: number): number | undefined {
  const conv = (QUANTITIES[q].units as Record<string, UnitConversion>)[unit];
  if (!conv) return undefined;
  return value * conv.factor + (conv.offset ?? 0);
}
