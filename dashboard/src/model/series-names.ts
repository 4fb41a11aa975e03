import type { NodeInfo } from '../../../protocol/api.ts';

/** The quantities worth choosing in History, in the order they are listed within a place. */
const ORDER = [
  'energy',
  'power',
  'temperature',
  'humidity',
  'co2',
  'pm25',
  'pm10',
  'pressure',
  'light',
  'sound',
  'current',
  'voltage',
  'power_factor',
];

export interface SeriesOption {
  series: string;
  quantity: string;
  /** a sensor's own label, when a place has two of the same quantity */
  detail: string | null;
}

export interface SeriesGroup {
  /** the household or place name as the public may see it; null for the neighbourhood's own figures */
  place: string | null;
  options: SeriesOption[];
}

/**
 * The series a resident can pick, grouped by place and named by quantity ("Bibliothèque · CO₂"),
 * instead of a list of raw ids. Private homes are left out (their series are not public), and so are
 * the sensors' own health figures (signal, battery: the Sensors page shows those) and raw meter pulses.
 */
export function groupSeries(nodes: readonly NodeInfo[]): SeriesGroup[] {
  const places = new Map<string, SeriesOption[]>();
  for (const node of nodes) {
    if (node.sharing === 'private') continue;
    const place = node.household?.name ?? node.name;
    const options = places.get(place) ?? [];
    for (const s of node.sensors) {
      if (!ORDER.includes(s.quantity)) continue;
      options.push({ series: s.series, quantity: s.quantity, detail: s.label ?? s.id });
    }
    if (options.length > 0) places.set(place, options);
  }
  const groups: SeriesGroup[] = [
    {
      place: null,
      options: [
        { series: 'collective/energy', quantity: 'energy', detail: null },
        { series: 'collective/power', quantity: 'power', detail: null },
      ],
    },
  ];
  for (const [place, options] of [...places].sort(([a], [b]) => a.localeCompare(b))) {
    options.sort(
      (a, b) => ORDER.indexOf(a.quantity) - ORDER.indexOf(b.quantity) || a.series.localeCompare(b.series),
    );
    // a sensor's own name only where it tells two of the same quantity apart
    for (const o of options) {
      if (options.filter((x) => x.quantity === o.quantity).length === 1) o.detail = null;
    }
    groups.push({ place, options });
  }
  return groups;
}

/** The option of a series, with its place, if it is one of the groups. */
export function findSeries(
  groups: readonly SeriesGroup[],
  series: string,
): { place: string | null; option: SeriesOption } | undefined {
  for (const g of groups) {
    const option = g.options.find((o) => o.series === series);
    if (option) return { place: g.place, option };
  }
  return undefined;
}
