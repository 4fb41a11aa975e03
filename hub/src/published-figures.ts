import type { Quantity } from '../../protocol/index.ts';
import type { LiveBus } from './live-bus.ts';
import { basePeriod } from './privacy/collective-publisher.ts';
import { publicSensor } from './privacy.ts';
import { pointsJson } from './store/points-json.ts';
import type { Registry, SensorRow } from './store/registry.ts';
import { PERIODS } from './store/rollup.ts';
import type { SeriesQuery } from './store/series-query.ts';

const MINUTE = 60_000;
/** A live figure older than this is not "now" any more. */
const LIVE_MS = 5 * MINUTE;

/** One bucket of a collective figure, as the privacy rule let it out (value null: withheld). */
export interface PublishedBucket {
  start: number;
  value: number | null;
  households: number | null;
}

export interface LiveFigure {
  value: number;
  ts: number;
  households: number;
}

export interface HourPoint {
  t: number;
  mean: number;
  min: number;
  max: number;
}

export type Step = 'minute' | 'hour' | 'day';

/**
 * The one way the signal, challenges, production shares and the monthly report read figures of the
 * neighbourhood (docs/COLLECTIVE.md): collective figures only as the aggregate privacy rule
 * published them, never from per-household data, and a single series only when its household made
 * it public. Live figures are the newest `aggregate` events of the live bus, which carries only
 * published figures.
 */
export class PublishedFigures {
  private readonly latest = new Map<Quantity, LiveFigure>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly opts: { series: SeriesQuery; registry: Registry; bus: LiveBus; now: () => number },
  ) {}

  start(): void {
    this.unsubscribe = this.opts.bus.on('aggregate', (a) => {
      const value = a.value as number | null;
      if (value === null || a.households === null) this.latest.delete(a.quantity);
      else this.latest.set(a.quantity, { value, ts: a.ts, households: a.households as number });
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The newest published figure of a gauge, if it is recent. */
  live(quantity: Quantity): LiveFigure | undefined {
    const l = this.latest.get(quantity);
    return l && this.opts.now() - l.ts <= LIVE_MS ? l : undefined;
  }

  /**
   * The published buckets of a quantity's collective figure in [from, to): the mean of a gauge's
   * bucket, the energy in a counter's, read from the ledger of published figures
   * (hub/src/store/collective-ledger.ts). A bucket the rule withheld is there with a null value; one
   * not decided yet (or with no reading at all) is absent.
   */
  buckets(quantity: Quantity, step: Step, from: number, to: number): PublishedBucket[] {
    if (to <= from) return [];
    // never finer than the bucket the rule decides a quantity at (an hour for counters)
    const period = Math.max(PERIODS[step], basePeriod(quantity));
    const start = Math.floor(from / period) * period;
    return this.opts.series.ledger.rows(quantity, period, start, to).map((r) => ({
      start: r.start,
      value: r.value,
      households: r.households,
    }));
  }

  /** Quantities some series of a household measures (what a collective figure may exist for). */
  measured(): Set<Quantity> {
    const out = new Set<Quantity>();
    for (const s of this.opts.registry.allSensors())
      if (this.opts.registry.householdOfSensor(s.id)) out.add(s.quantity);
    return out;
  }

  /** A series by `<node>/<sensor>`, when its household shares it publicly (community or open). */
  publicSeries(name: string): SensorRow | undefined {
    const [node, sensor] = name.split('/');
    if (!node || !sensor) return undefined;
    const s = this.opts.registry.sensor(node, sensor);
    return s && publicSensor(this.opts.registry, s) ? s : undefined;
  }

  /** Every series measuring `quantity` whose household shares it publicly (community or open). */
  publicSeriesOf(quantity: Quantity): SensorRow[] {
    return this.opts.registry
      .allSensors()
      .filter((s) => s.quantity === quantity && publicSensor(this.opts.registry, s));
  }

  /** Hourly mean, min and max of a public series in [from, to). */
  hours(sensor: SensorRow, from: number, to: number): HourPoint[] {
    const r = this.opts.series.series(sensor, from, to, 'hour');
    const p = JSON.parse(pointsJson(r.points)) as {
      t: number[];
      value: number[];
      min: number[];
      max: number[];
    };
    return p.t.map((t, i) => ({ t, mean: p.value[i] ?? 0, min: p.min[i] ?? 0, max: p.max[i] ?? 0 }));
  }
}
