import type { SensorDescription } from '../messages.ts';
import type { MeterDescription, MeterStatus } from '../meter.ts';
import type { Quantity } from '../quantities.ts';
import type { TempoColour } from '../tariff.ts';

/**
 * The labels of a Linky's customer information output (TIC), and what Communs makes of them: the
 * one table both the node agent's reader (firmware/agent/meters/) and the hub's Tasmota adapter
 * (a Tasmota built with Teleinfo forwards the labels as they are) go through, so both give the
 * same series. Labels and units from Enedis-NOI-CPT_54E (standard mode, and its annex on the
 * historic mode) and the earlier ERDF-NOI-CPT_02E (historic mode). docs/METERS.md has the table
 * in prose, and what is left out and why.
 */

export type TicMode = 'historique' | 'standard';

export interface TicSeries {
  sensor: string;
  quantity: Quantity;
  /** the unit the meter counts in */
  unit: string;
  label: string;
  /** an index register: the meter's own running total, never estimated */
  index?: true;
  /** the sensor this one is a part of (a supplier register of EAST, one phase of SINSTS) */
  partOf?: string;
}

const index = (sensor: string, label: string, partOf?: string): TicSeries => ({
  sensor,
  quantity: 'energy',
  unit: 'Wh',
  label,
  index: true,
  ...(partOf ? { partOf } : {}),
});

const phases = <T>(make: (n: 1 | 2 | 3) => [string, T]): Array<[string, T]> => [make(1), make(2), make(3)];

/** Label → series. The historic and standard labels never collide, so one table serves both modes. */
export const TIC_SERIES: Readonly<Record<string, TicSeries>> = Object.fromEntries([
  // historic mode: one register per tariff period of the contract
  ['BASE', index('base', 'Index Base (BASE)')],
  ['HCHC', index('hchc', 'Index heures creuses (HCHC)')],
  ['HCHP', index('hchp', 'Index heures pleines (HCHP)')],
  ['EJPHN', index('ejphn', 'Index EJP heures normales (EJPHN)')],
  ['EJPHPM', index('ejphpm', 'Index EJP pointe mobile (EJPHPM)')],
  ['BBRHCJB', index('bbrhcjb', 'Tempo creuses bleu (BBRHCJB)')],
  ['BBRHPJB', index('bbrhpjb', 'Tempo pleines bleu (BBRHPJB)')],
  ['BBRHCJW', index('bbrhcjw', 'Tempo creuses blanc (BBRHCJW)')],
  ['BBRHPJW', index('bbrhpjw', 'Tempo pleines blanc (BBRHPJW)')],
  ['BBRHCJR', index('bbrhcjr', 'Tempo creuses rouge (BBRHCJR)')],
  ['BBRHPJR', index('bbrhpjr', 'Tempo pleines rouge (BBRHPJR)')],
  ['IINST', { sensor: 'current', quantity: 'current', unit: 'A', label: 'Intensité (IINST)' }],
  ...phases<TicSeries>((n) => [
    `IINST${n}`,
    { sensor: `current-l${n}`, quantity: 'current', unit: 'A', label: `Intensité phase ${n} (IINST${n})` },
  ]),
  [
    'PAPP',
    { sensor: 'apparent-power', quantity: 'apparent_power', unit: 'VA', label: 'Puissance apparente (PAPP)' },
  ],
  // standard mode: the total, and the supplier's (10) and the distributor's (4) registers of it
  ['EAST', index('east', 'Énergie soutirée totale (EAST)')],
  ...Array.from({ length: 10 }, (_, i): [string, TicSeries] => {
    const n = String(i + 1).padStart(2, '0');
    return [`EASF${n}`, index(`easf${n}`, `Index fournisseur ${n} (EASF${n})`, 'east')];
  }),
  ...Array.from({ length: 4 }, (_, i): [string, TicSeries] => {
    const n = String(i + 1).padStart(2, '0');
    return [`EASD${n}`, index(`easd${n}`, `Index distributeur ${n} (EASD${n})`, 'east')];
  }),
  [
    'EAIT',
    {
      sensor: 'eait',
      quantity: 'energy_exported',
      unit: 'Wh',
      label: 'Énergie injectée totale (EAIT)',
      index: true,
    },
  ],
  ...phases<TicSeries>((n) => [
    `IRMS${n}`,
    { sensor: `current-l${n}`, quantity: 'current', unit: 'A', label: `Courant phase ${n} (IRMS${n})` },
  ]),
  ...phases<TicSeries>((n) => [
    `URMS${n}`,
    { sensor: `voltage-l${n}`, quantity: 'voltage', unit: 'V', label: `Tension phase ${n} (URMS${n})` },
  ]),
  [
    'SINSTS',
    {
      sensor: 'apparent-power',
      quantity: 'apparent_power',
      unit: 'VA',
      label: 'Puissance apparente soutirée (SINSTS)',
    },
  ],
  ...phases<TicSeries>((n) => [
    `SINSTS${n}`,
    {
      sensor: `apparent-power-l${n}`,
      quantity: 'apparent_power',
      unit: 'VA',
      label: `Puissance apparente phase ${n} (SINSTS${n})`,
      partOf: 'apparent-power',
    },
  ]),
]);

/** Labels read for the meter's description and status rather than as series. */
const DESCRIPTION_LABELS = ['OPTARIF', 'ISOUSC', 'NGTF', 'PREF', 'PTEC', 'DEMAIN', 'LTARF', 'NTARF', 'STGE'];

/**
 * Labels of both specifications that Communs reads nothing from. The addresses (ADCO, ADSC, PRM)
 * name the household's delivery point: they never leave the reader. The rest are maxima, load-curve
 * points, messages and relay states (docs/METERS.md).
 */
const IGNORED_LABELS = [
  'ADCO ADSC PRM VTIC DATE IMAX IMAX1 IMAX2 IMAX3 PMAX HHPHC MOTDETAT PEJP ADPS ADIR1 ADIR2 ',
  'ADIR3 PPOT ERQ1 ERQ2 ERQ3 ERQ4 PCOUP SMAXSN SMAXSN1 SMAXSN2 SMAXSN3 SMAXSN-1 SMAXSN1-1 ',
  'SMAXSN2-1 SMAXSN3-1 SINSTI SMAXIN SMAXIN-1 CCASN CCASN-1 CCAIN CCAIN-1 UMOY1 UMOY2 UMOY3 ',
  'DPM1 FPM1 DPM2 FPM2 DPM3 FPM3 MSG1 MSG2 RELAIS NJOURF NJOURF+1 PJOURF+1 PPOINTE',
]
  .join('')
  .split(' ');

const KNOWN = new Set([...Object.keys(TIC_SERIES), ...DESCRIPTION_LABELS, ...IGNORED_LABELS]);

/** Labels only the standard mode has, which tell it from the historic one. */
const STANDARD_ONLY = ['ADSC', 'VTIC', 'EAST', 'SINSTS', 'LTARF', 'NGTF', 'NTARF', 'STGE', 'IRMS1', 'URMS1'];
const HISTORIC_ONLY = ['ADCO', 'OPTARIF', 'PTEC', 'PAPP', 'IINST', 'IINST1', 'ISOUSC', 'HCHC', 'BASE'];

/** The mode a set of labels was sent in (a Tasmota TIC block does not say), if they tell. */
export function ticModeOf(labels: Iterable<string>): TicMode | undefined {
  for (const l of labels) {
    if (STANDARD_ONLY.includes(l)) return 'standard';
    if (HISTORIC_ONLY.includes(l)) return 'historique';
  }
  return undefined;
}

/** True for a label either specification defines; a garbled label is not one. */
export function isTicLabel(label: string): boolean {
  return KNOWN.has(label);
}

/** True for an index register: a frame where one fails its checksum is not used at all. */
export function isTicIndex(label: string): boolean {
  return TIC_SERIES[label]?.index === true;
}

export interface TicReading {
  sensor: string;
  quantity: Quantity;
  unit: string;
  value: number;
}

/** What one frame (or one Tasmota TIC block) says, in Communs' terms. */
export interface TicFacts {
  readings: TicReading[];
  /** the sensors the readings belong to, as a meta message declares them */
  sensors: SensorDescription[];
  meter: MeterDescription;
  status: MeterStatus;
  /** labels whose value is not the number the specification promises: left out, and said */
  malformed: string[];
}

/** The meter's fields are fixed-width digits ("00390", "012345678"); Tasmota sends them as numbers. */
function digits(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const t = v.trim();
  return /^\d{1,12}$/.test(t) ? Number(t) : undefined;
}

const DEMAIN: Record<string, TempoColour | null> = { BLEU: 'blue', BLAN: 'white', ROUG: 'red', '----': null };
const STGE_COLOUR: Array<TempoColour | undefined> = [undefined, 'blue', 'white', 'red'];
const PTEC_COLOUR: Record<string, TempoColour> = { B: 'blue', W: 'white', R: 'red' };
/** PTEC → the register it counts in, numbered as the standard mode numbers the supplier's (EASFnn) */
const PTEC_INDEX: Record<string, number> = {
  'TH..': 1,
  'HC..': 1,
  'HP..': 2,
  'HN..': 1,
  'PM..': 2,
  HCJB: 1,
  HPJB: 2,
  HCJW: 3,
  HPJW: 4,
  HCJR: 5,
  HPJR: 6,
};

/**
 * Turns the labels of one frame into readings, the meter's description and its status. `values`
 * holds each label once, with its value as sent (Tasmota: a number for numeric fields).
 */
export function interpretTic(values: ReadonlyMap<string, string | number>, mode?: TicMode): TicFacts {
  const facts: TicFacts = {
    readings: [],
    sensors: [],
    meter: { kind: 'tic', ...(mode ? { mode } : {}) },
    status: {},
    malformed: [],
  };
  const text = (label: string) => {
    const v = values.get(label);
    return v === undefined ? undefined : String(v).trim();
  };
  const number = (label: string) => {
    const v = values.get(label);
    if (v === undefined) return undefined;
    const n = digits(v);
    if (n === undefined) facts.malformed.push(label);
    return n;
  };
  for (const [label, value] of values) {
    const series = TIC_SERIES[label];
    if (!series) continue;
    const n = digits(value);
    if (n === undefined) {
      facts.malformed.push(label);
      continue;
    }
    const { sensor, quantity, unit } = series;
    facts.readings.push({ sensor, quantity, unit, value: n });
    facts.sensors.push({
      id: sensor,
      quantity,
      unit,
      label: series.label,
      ...(series.partOf ? { partOf: series.partOf } : {}),
    });
  }
  const three = ['IINST2', 'IINST3', 'IRMS2', 'IRMS3', 'URMS2', 'URMS3'].some((l) => values.has(l));
  facts.meter.phases = three ? 3 : 1;
  describeContract(facts, text, number);
  describePeriod(facts, text, number);
  return facts;
}

function describeContract(
  facts: TicFacts,
  text: (l: string) => string | undefined,
  number: (l: string) => number | undefined,
): void {
  const { meter } = facts;
  const option = text('OPTARIF') ?? text('NGTF');
  if (option) meter.option = option.slice(0, 32);
  const isousc = number('ISOUSC');
  const pref = number('PREF');
  if (pref !== undefined) meter.subscribedVA = pref * 1000;
  else if (isousc !== undefined) meter.subscribedVA = isousc * 200 * (meter.phases ?? 1);
  if (isousc !== undefined) meter.subscribedA = isousc;
  const stge = stgeBits(text('STGE'));
  if (text('EAIT') !== undefined || (stge !== undefined && (stge >>> 8) & 1)) meter.producer = true;
}

function describePeriod(
  facts: TicFacts,
  text: (l: string) => string | undefined,
  number: (l: string) => number | undefined,
): void {
  const { status } = facts;
  const ptec = text('PTEC');
  const ltarf = text('LTARF');
  const period = ptec ?? ltarf;
  if (period) status.period = period.slice(0, 32);
  if (ptec !== undefined) {
    const index = PTEC_INDEX[ptec];
    if (index !== undefined) status.index = index;
    if (ptec.startsWith('HC')) status.offPeak = true;
    else if (ptec.startsWith('HP') || ptec === 'HN..' || ptec === 'PM..') status.offPeak = false;
    const colour = /^H[CP]J([BWR])$/.exec(ptec)?.[1];
    if (colour) status.tempoToday = PTEC_COLOUR[colour];
  } else if (ltarf !== undefined) {
    // the supplier names its periods freely; "HEURE CREUSE", "HC BLEU" and the like say which
    if (/CREUSE|\bHC\b/i.test(ltarf)) status.offPeak = true;
    else if (/PLEINE|\bHP\b/i.test(ltarf)) status.offPeak = false;
  }
  const demain = text('DEMAIN');
  if (demain !== undefined && demain in DEMAIN) status.tempoTomorrow = DEMAIN[demain] ?? null;
  const ntarf = number('NTARF');
  if (ntarf !== undefined && ntarf >= 1 && ntarf <= 10) status.index = ntarf;
  const stge = stgeBits(text('STGE'));
  if (stge !== undefined) {
    // bits 10-13: the supplier's register counting now, from 0; bits 24-27: Tempo today, tomorrow
    const supplier = ((stge >>> 10) & 0xf) + 1;
    if (supplier <= 10) status.index ??= supplier;
    const today = STGE_COLOUR[(stge >>> 24) & 3];
    if (today) {
      status.tempoToday = today;
      status.tempoTomorrow = STGE_COLOUR[(stge >>> 26) & 3] ?? null;
    }
  } else if (text('STGE') !== undefined) facts.malformed.push('STGE');
}

/** STGE is 32 bits written as 8 hexadecimal digits. */
function stgeBits(v: string | undefined): number | undefined {
  return v !== undefined && /^[0-9A-Fa-f]{8}$/.test(v) ? Number.parseInt(v, 16) : undefined;
}
