import { topics } from '../../../protocol/index.ts';
import type { SignalDay, SignalMessage } from '../../../protocol/signal.ts';
import type { TempoColour } from '../../../protocol/tariff.ts';
import { addDays, LocalClock } from '../cost/local-time.ts';
import { productionNow } from '../production/production-read.ts';
import type { PublishedFigures } from '../published-figures.ts';
import type { Store } from '../store/store.ts';
import { signalDate } from './local-hours.ts';
import { computeSignal, type SignalInputs } from './signal.ts';

const HOUR = 3_600_000;
/** The outdoor figures the heat rule looks at: three days, and the hour under way. */
const OUTDOOR_SPAN = 73 * HOUR;
/** A meter's report of the Tempo colours older than this says nothing of today. */
const TEMPO_REPORT_MAX_AGE = 24 * HOUR;

/** A meter's latest word on the Tempo colours (a Linky's TIC, read by a node or a Tasmota). */
export interface TempoReport {
  node: string;
  today: TempoColour | null;
  tomorrow: TempoColour | null;
  /** when the hub received it */
  ts: number;
}

/** Where meters' Tempo reports come from (the registry's meters). */
export interface TempoReports {
  latestTempo(): TempoReport | undefined;
}

/** Whatever carries the hub's own MQTT publishes (the embedded broker, or the external one). */
export interface SignalPublisher {
  publish(topic: string, payload: string, opts?: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
}

export interface SignalServiceOptions {
  store: Store;
  figures: PublishedFigures;
  now: () => number;
  /** meters that announce the Tempo colours; absent: the console's word only */
  tempo?: TempoReports;
  log: (line: string) => void;
  /** how often the signal is computed and, when it changed, published (default 30 s) */
  everyMs?: number;
}

/**
 * Keeps the neighbourhood signal (docs/COLLECTIVE.md): computes it from the hub's own knowledge,
 * publishes it retained on `communs/v1/public/signal` whenever it changes (and Home Assistant
 * reads it there), and records the Tempo colours meters announce into the tariffs' Tempo days,
 * where the console's word stands over a meter's.
 */
export class SignalService {
  private readonly opts: SignalServiceOptions;
  private timer: NodeJS.Timeout | undefined;
  private publisher: SignalPublisher | undefined;
  private last: string | undefined;
  private clockOf: LocalClock | undefined;
  private readonly listeners = new Set<(m: SignalMessage) => void>();
  /** the meter report last recorded, so that a status repeating it costs nothing */
  private lastReport: string | undefined;

  constructor(opts: SignalServiceOptions) {
    this.opts = opts;
  }

  start(publisher?: SignalPublisher): void {
    this.publisher = publisher;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.everyMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.publisher = undefined;
  }

  /** Called with every signal that differs from the last one published. */
  onChange(listener: (m: SignalMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The signal now (the API and the console ask for it fresh). */
  current(): SignalMessage {
    return computeSignal(this.inputs());
  }

  /** Something the signal depends on changed (the console set a day): publish again at once. */
  refresh(): void {
    if (this.timer) this.tick();
  }

  /**
   * A node's status arrived: when the meters' latest Tempo report says something new, record it and
   * publish the signal at once rather than at the next tick.
   */
  meterReported(): void {
    const r = this.opts.tempo?.latestTempo();
    if (!this.timer || !r || reportKey(r) === this.lastReport) return;
    this.tick();
  }

  private tick(): void {
    try {
      this.recordMeterTempo();
      const m = this.current();
      const { ts: _ts, ...rest } = m;
      const key = JSON.stringify({ ...rest, production: rest.production && roundShare(rest.production) });
      if (key === this.last) return;
      this.last = key;
      this.publisher
        ?.publish(topics.publicSignal, JSON.stringify(m), { retain: true, qos: 1 })
        .catch((err) => this.opts.log(`signal: not published (${(err as Error).message})`));
      for (const l of this.listeners) l(m);
    } catch (err) {
      this.opts.log(`signal: ${(err as Error).message}`);
    }
  }

  /**
   * A meter's Tempo colours go to the tariffs' Tempo days with the meter as their source: the
   * cost of a red day and the signal agree, and a colour set on the console is kept (tariff-store.ts).
   */
  private recordMeterTempo(): void {
    const r = this.opts.tempo?.latestTempo();
    const now = this.opts.now();
    if (!r || now - r.ts > TEMPO_REPORT_MAX_AGE) return;
    this.lastReport = reportKey(r);
    const day = signalDate(this.clock(), r.ts);
    const source = `meter:${r.node}`;
    const { tariffs } = this.opts.store;
    if (r.today) tariffs.setTempoDay(day, r.today, source, now);
    if (r.tomorrow) tariffs.setTempoDay(addDays(day, 1), r.tomorrow, source, now);
  }

  private clock(): LocalClock {
    const zone = this.opts.store.settings.get().timeZone;
    if (this.clockOf?.timeZone !== zone) this.clockOf = new LocalClock({ timeZone: zone });
    return this.clockOf;
  }

  private inputs(): SignalInputs {
    const { store, figures } = this.opts;
    const now = this.opts.now();
    const s = store.settings.get();
    const sensor = s.outdoorSensor ? figures.publicSeries(s.outdoorSensor) : undefined;
    return {
      now,
      clock: this.clock(),
      tariffs: store.tariffs.inForce(),
      day: (date): Omit<SignalDay, 'date'> => {
        const tempo = store.tariffs.tempoDay(date);
        const said = store.signalDays.get(date);
        return {
          tempo: tempo?.colour ?? null,
          tempoSource: tempo?.source ?? null,
          ecowatt: said?.ecowatt ?? null,
          note: said?.note ?? null,
        };
      },
      outdoor: sensor
        ? {
            sensor: s.outdoorSensor,
            place: store.registry.householdOfSensor(sensor.id)?.name ?? null,
            hours: figures.hours(sensor, now - OUTDOOR_SPAN, now + 1),
          }
        : null,
      thresholds: {
        heatDayC: s.heatDayC,
        heatNightC: s.heatNightC,
        coldC: s.coldC,
        severeColdC: s.severeColdC,
        extremeColdC: s.extremeColdC,
      },
      production: productionNow(figures, now),
    };
  }
}

function reportKey(r: TempoReport): string {
  return `${r.node} ${r.today} ${r.tomorrow}`;
}

/** Production to the percent: the retained message changes when the words would, not every watt. */
function roundShare(p: NonNullable<SignalMessage['production']>): unknown {
  return p.share === null ? null : Math.round(p.share * 100);
}
