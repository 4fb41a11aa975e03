import type { MeterDescription, MeterStatus, Quantity, SensorDescription } from '../../../protocol/index.ts';
import type { P1Object } from './p1-telegram.ts';

/**
 * What Communs reads from a DSMR telegram (P1 Companion Standard 5.0.2, section 6.12, "Representation
 * of P1 telegram data"): the four electricity registers, the power, voltage and current per phase,
 * and a gas meter's volume. The equipment identifiers (0-0:96.1.1, 0-n:96.1.0) name the household's
 * connection: they never leave the reader. docs/METERS.md lists the rest.
 */

interface ObisSeries {
  sensor: string;
  quantity: Quantity;
  /** the unit the telegram writes after "*" */
  unit: string;
  label: string;
  partOf?: string;
  /** the unit published, when not the telegram's: registers go out in Wh, as a Linky's do */
  as?: { unit: string; factor: number };
}

const WH = { unit: 'Wh', factor: 1000 };

const REGISTERS: Readonly<Record<string, ObisSeries>> = {
  '1-0:1.8.1': {
    sensor: 'energy-t1',
    quantity: 'energy',
    unit: 'kWh',
    label: 'Delivered, tariff 1 (1.8.1)',
    as: WH,
  },
  '1-0:1.8.2': {
    sensor: 'energy-t2',
    quantity: 'energy',
    unit: 'kWh',
    label: 'Delivered, tariff 2 (1.8.2)',
    as: WH,
  },
  '1-0:2.8.1': {
    sensor: 'energy-exported-t1',
    quantity: 'energy_exported',
    unit: 'kWh',
    label: 'Returned, tariff 1 (2.8.1)',
    as: WH,
  },
  '1-0:2.8.2': {
    sensor: 'energy-exported-t2',
    quantity: 'energy_exported',
    unit: 'kWh',
    label: 'Returned, tariff 2 (2.8.2)',
    as: WH,
  },
};

/** Voltage and current per phase: L1, L2, L3 are 32/52/72.7.0 and 31/51/71.7.0. */
const PHASE_GAUGES: Readonly<Record<string, ObisSeries>> = Object.fromEntries(
  [1, 2, 3].flatMap((n) => [
    [
      `1-0:${12 + 20 * n}.7.0`,
      {
        sensor: `voltage-l${n}`,
        quantity: 'voltage',
        unit: 'V',
        label: `Voltage L${n} (${12 + 20 * n}.7.0)`,
      },
    ],
    [
      `1-0:${11 + 20 * n}.7.0`,
      {
        sensor: `current-l${n}`,
        quantity: 'current',
        unit: 'A',
        label: `Current L${n} (${11 + 20 * n}.7.0)`,
      },
    ],
  ]),
);

export interface P1Reading {
  sensor: string;
  quantity: Quantity;
  unit: string;
  value: number;
}

export interface P1Facts {
  readings: P1Reading[];
  sensors: SensorDescription[];
  meter: MeterDescription;
  status: MeterStatus;
  /** objects Communs reads whose value is not the number DSMR promises */
  malformed: string[];
}

/** "001234.567*kWh" → 1234.567 when the unit is `unit` (DSMR writes units in a fixed case). */
function valueIn(text: string | undefined, unit: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\*(.+)$/.exec(text ?? '');
  return m?.[1] && m[2]?.toLowerCase() === unit.toLowerCase() ? Number(m[1]) : undefined;
}

export function interpretP1(objects: readonly P1Object[]): P1Facts {
  const facts: P1Facts = { readings: [], sensors: [], meter: { kind: 'p1' }, status: {}, malformed: [] };
  const byObis = new Map(objects.map((o) => [o.obis, o.values]));
  const add = (s: ObisSeries, sent: number) => {
    const unit = s.as?.unit ?? s.unit;
    // DSMR writes at most 3 decimals: 1234.567 kWh is 1234567 Wh, not 1234566.9999999998
    const value = s.as ? Number((sent * s.as.factor).toFixed(3)) : sent;
    facts.readings.push({ sensor: s.sensor, quantity: s.quantity, unit, value });
    facts.sensors.push({
      id: s.sensor,
      quantity: s.quantity,
      unit,
      label: s.label,
      ...(s.partOf ? { partOf: s.partOf } : {}),
    });
  };
  const read = (obis: string, s: ObisSeries, text: string | undefined) => {
    const v = valueIn(text, s.unit);
    if (v === undefined) facts.malformed.push(obis);
    else add(s, v);
  };
  for (const [obis, s] of Object.entries({ ...REGISTERS, ...PHASE_GAUGES })) {
    const values = byObis.get(obis);
    if (values) read(obis, s, values[0]);
  }
  // one power series: delivered (+P) minus returned (-P), negative while the home sends power out
  const delivered = byObis.get('1-0:1.7.0');
  if (delivered) {
    const plus = valueIn(delivered[0], 'kW');
    const minus = byObis.has('1-0:2.7.0') ? valueIn(byObis.get('1-0:2.7.0')?.[0], 'kW') : 0;
    if (plus === undefined || minus === undefined) facts.malformed.push('1-0:1.7.0');
    else
      add(
        {
          sensor: 'power',
          quantity: 'power',
          unit: 'W',
          label: 'Power, delivered − returned (1.7.0 − 2.7.0)',
        },
        Math.round((plus - minus) * 1000),
      );
  }
  // a gas meter on any M-Bus channel: its last 5-minute reading, (timestamp)(volume*m3)
  for (const o of objects) {
    if (!/^0-[1-4]:24\.2\.1$/.test(o.obis)) continue;
    const volume = valueIn(o.values[o.values.length - 1], 'm3');
    if (volume === undefined) facts.malformed.push(o.obis);
    else if (!facts.sensors.some((s) => s.id === 'gas'))
      add(
        {
          sensor: 'gas',
          quantity: 'gas',
          unit: 'm3',
          label: `Gas (${o.obis.slice(4)})`,
          as: { unit: 'm³', factor: 1 },
        },
        volume,
      );
  }
  facts.meter.phases = byObis.has('1-0:52.7.0') || byObis.has('1-0:51.7.0') ? 3 : 1;
  const returned = facts.readings.some((r) => r.quantity === 'energy_exported' && r.value > 0);
  if (returned) facts.meter.producer = true;
  const tariff = Number(byObis.get('0-0:96.14.0')?.[0]);
  if (Number.isInteger(tariff) && tariff >= 1 && tariff <= 10) facts.status.index = tariff;
  return facts;
}
