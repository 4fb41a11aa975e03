import { SensorConfig, type VirtualModel } from '../../protocol/index.ts';
import type { TicMode } from '../../protocol/interop/tic.ts';
import type { LinkyContract } from '../virtual/meters/linky-model.ts';
import { hash } from '../virtual/models/random.ts';

export type Sharing = 'private' | 'community' | 'open';

/** One node of the demo neighbourhood, with the household or place it belongs to. */
export interface DemoNodePlan {
  node: string;
  nodeName: string;
  household: { id: string; name: string; kind: 'household' | 'place'; sharing: Sharing };
  model: VirtualModel;
  sensors: SensorConfig[];
  /** the hardware kit (hardware/<kit>/) this virtual node stands for: its draw is the node's */
  kit: 'meter-pulses' | 'current-clamp' | 'indoor-climate' | 'outdoor-air' | 'linky-tic';
  /** a household read by its (virtual) Linky's TIC instead of sensors */
  linky?: { mode: TicMode; contract: LinkyContract; subscribedKva: number; redDay?: number };
}

const STREETS = [
  'Rue des Tilleuls',
  'Impasse du Moulin',
  'Rue de la Fontaine',
  'Chemin des Vignes',
  'Place du Marché',
  'Rue des Écoles',
  'Allée des Cerisiers',
  'Rue du Lavoir',
  'Quai de la Saône',
  'Rue Pasteur',
  'Montée des Soeurs',
  'Rue Victor Hugo',
];

/**
 * The sharing levels cycle so every level is present from four households on, and six or more
 * have four private ones, as most homes of a real street would be: the collective figure beyond the
 * named households passes k = 3 (docs/PRIVACY.md). The private homes are the plain ones (no heat
 * pump, no car): one big consumer among a few would make most of their sum, and the dominance rule
 * would withhold the figure, as it should.
 */
const SHARING: Sharing[] = [
  'private',
  'community',
  'private',
  'open',
  'private',
  'private',
  'community',
  'private',
];

/**
 * The demo neighbourhood: `households` homes, most with a pulse sensor on the meter, every fourth
 * with a current clamp instead, and the second of every four read by its Linky's TIC (in historic
 * mode with an off-peak contract, then in standard mode on Tempo: their tariff periods show); one
 * meter series per home, or registers declared as parts of the meter's total, so nothing is counted
 * twice; some with a heat pump or an electric car; and three shared places measuring the air, the
 * salle des fêtes also the solar installation on its roof, shared with the neighbourhood.
 */
export function demoPlan(households: number, seed = 2024): DemoNodePlan[] {
  const plans: DemoNodePlan[] = [];
  for (let i = 0; i < households; i++) {
    const n = i + 1;
    const id = `demo-h${String(n).padStart(2, '0')}`;
    const street = STREETS[i % STREETS.length] ?? 'Rue';
    const clamp = i % 4 === 3;
    const linky = i % 4 === 1;
    const sharing = SHARING[i % SHARING.length] ?? 'community';
    const sensor = clamp
      ? { type: 'current-clamp', id: 'clamp', pin: 'A0' }
      : { type: 'meter-pulses', id: 'meter', pin: 'D2', impPerKwh: 1000 };
    const standard = i % 8 === 5;
    plans.push({
      node: `${id}-${clamp ? 'clamp' : linky ? 'linky' : 'meter'}`,
      nodeName: clamp ? 'Current clamp on the main cable' : linky ? 'Linky TIC reader' : 'Meter LED reader',
      household: {
        id,
        name: `${n + 2 * i} ${street}`,
        kind: 'household',
        sharing,
      },
      model: {
        kind: 'household',
        seed: seed + n,
        occupants: 1 + Math.floor(hash(seed, n, 1) * 5),
        heatPump: i % 3 === 1 && sharing !== 'private',
        electricCar: i % 5 === 3 && sharing !== 'private',
        speed: 1,
      },
      sensors: linky ? [] : [SensorConfig.parse(sensor)],
      kit: clamp ? 'current-clamp' : linky ? 'linky-tic' : 'meter-pulses',
      ...(linky
        ? {
            linky: standard
              ? { mode: 'standard', contract: 'tempo', subscribedKva: 9 }
              : { mode: 'historique', contract: 'hc', subscribedKva: 6 },
          }
        : {}),
    });
  }
  const place = (
    id: string,
    name: string,
    kind: VirtualModel['kind'],
    occupants: number,
    sensors: object[],
  ): DemoNodePlan => ({
    node: `${id}-air`,
    nodeName: kind === 'outdoor' ? 'Weather and air quality station' : 'Indoor air monitor',
    household: { id, name, kind: 'place', sharing: 'open' },
    model: {
      kind,
      seed: seed + 100 + plans.length,
      occupants,
      heatPump: false,
      electricCar: false,
      speed: 1,
    },
    sensors: sensors.map((s) => SensorConfig.parse(s)),
    kit: kind === 'outdoor' ? 'outdoor-air' : 'indoor-climate',
  });
  plans.push(
    place('demo-salle', 'Salle des fêtes', 'indoor', 40, [
      { type: 'bme280', id: 'climate' },
      { type: 'scd4x', id: 'co2' },
    ]),
    place('demo-biblio', 'Bibliothèque de quartier', 'indoor', 15, [
      { type: 'sht31', id: 'climate' },
      { type: 'scd4x', id: 'co2' },
    ]),
    place('demo-square', 'Square Jean Moulin (outdoor)', 'outdoor', 0, [
      { type: 'sht31', id: 'climate' },
      { type: 'sds011', id: 'pm', rxPin: 'D8' },
    ]),
  );
  // the salle des fêtes shares its roof's solar installation with the neighbourhood: a clamp on the
  // inverter's line measures what it produces (docs/COLLECTIVE.md)
  const salle = plans.find((p) => p.household.id === 'demo-salle');
  if (salle)
    plans.push({
      node: 'demo-salle-solar',
      nodeName: 'Current clamp on the solar inverter line',
      household: salle.household,
      model: { ...salle.model, seed: seed + 200 },
      sensors: [SensorConfig.parse({ type: 'current-clamp', id: 'solar', pin: 'A0', production: true })],
      kit: 'current-clamp',
    });
  return plans;
}
