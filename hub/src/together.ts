import type { ProductionBody } from '../../protocol/production.ts';
import { Challenges } from './challenges/challenges.ts';
import type { HubContext } from './context.ts';
import { LocalClock } from './cost/local-time.ts';
import type { LiveBus } from './live-bus.ts';
import { productionReport } from './production/production-read.ts';
import { PublishedFigures } from './published-figures.ts';
import { type SignalPublisher, SignalService, type TempoReports } from './signal/signal-service.ts';
import type { Store } from './store/store.ts';

export interface TogetherOptions {
  store: Store;
  bus: LiveBus;
  now: () => number;
  /** meters that announce the Tempo colours (the registry's meters) */
  tempo?: TempoReports;
  log: (line: string) => void;
  /** how often the signal is looked at and finished challenges settled (default 30 s) */
  everyMs?: number;
}

/**
 * Acting together (docs/COLLECTIVE.md), wired in one place: the figures as published, the
 * neighbourhood signal, collective challenges, production shares (and the monthly report reads
 * them all). Started and stopped by hub.ts; the offline console builds one without starting it.
 */
export class Together {
  readonly figures: PublishedFigures;
  readonly signal: SignalService;
  readonly challenges: Challenges;
  private readonly opts: TogetherOptions;
  private timer: NodeJS.Timeout | undefined;
  private offNode: (() => void) | undefined;

  constructor(opts: TogetherOptions) {
    this.opts = opts;
    const { store, bus, now, log } = opts;
    this.figures = new PublishedFigures({ series: store.series, registry: store.registry, bus, now });
    this.signal = new SignalService({
      store,
      figures: this.figures,
      now,
      log,
      ...(opts.tempo ? { tempo: opts.tempo } : {}),
      ...(opts.everyMs ? { everyMs: opts.everyMs } : {}),
    });
    this.challenges = new Challenges({ store, figures: this.figures, now });
  }

  start(publisher?: SignalPublisher): void {
    this.figures.start();
    this.signal.start(publisher);
    // a node's status may carry its meter's Tempo colours: the signal hears them at once
    this.offNode = this.opts.bus.on('node', () => this.signal.meterReported());
    this.timer = setInterval(() => this.settle(), this.opts.everyMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.offNode?.();
    this.offNode = undefined;
    this.signal.stop();
    this.figures.stop();
  }

  /** The hub's local clock (the tariffs' time zone). */
  clock(): LocalClock {
    return new LocalClock({ timeZone: this.opts.store.settings.get().timeZone });
  }

  production(span: { date: string } | { month: string }): ProductionBody {
    return productionReport(this.figures, this.clock(), span);
  }

  private settle(): void {
    try {
      this.challenges.settle();
    } catch (err) {
      this.opts.log(`challenges: ${(err as Error).message}`);
    }
  }
}

/**
 * The running hub's signal, challenges and production, or, for the console without a hub, the
 * same over the database alone (not started: nothing is published from there).
 */
export function togetherOf(ctx: HubContext): Together {
  return ctx.together ?? new Together({ store: ctx.store, bus: ctx.bus, now: ctx.now, log: () => {} });
}
