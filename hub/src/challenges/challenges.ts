import type { ChallengeView } from '../../../protocol/challenge.ts';
import { LocalClock } from '../cost/local-time.ts';
import type { PublishedFigures } from '../published-figures.ts';
import type { StoredChallenge } from '../store/challenge-store.ts';
import type { Store } from '../store/store.ts';
import {
  BASELINE_MIN_WEEKS,
  type Baseline,
  baselineOf,
  type ChallengeReads,
  type WindowFigures,
  windowFigures,
  windowOf,
} from './challenge-figures.ts';
import { savingValue } from './saving-value.ts';

const HOUR = 3_600_000;
/** After the window, a result waits this long at most for its last hours to be decided. */
const SETTLE_MAX_MS = 2 * HOUR;

/** What is kept of a finished challenge: its figures as first published. */
interface KeptResult extends WindowFigures {
  baseline: Baseline | null;
}

export const NO_BASELINE = `fewer than ${BASELINE_MIN_WEEKS} earlier weeks have every hour of this window published: no baseline`;
export const WITHHELD_HOUR =
  'an hour of the window was withheld by the privacy rule (too few households): a result would reveal a household';

/**
 * Collective challenges as residents see them (docs/COLLECTIVE.md): state, baseline, live progress
 * and result, from published figures only. A finished challenge's result is kept the first time
 * every hour of its window is decided, and shown as kept from then on.
 */
export class Challenges {
  constructor(private readonly opts: { store: Store; figures: PublishedFigures; now: () => number }) {}

  /** Every challenge, in the order of their windows. */
  views(): ChallengeView[] {
    return this.opts.store.challenges.all().map((c) => this.viewOf(c, false));
  }

  /** Challenges whose date is from `first` to `last`. */
  between(first: string, last: string): ChallengeView[] {
    return this.opts.store.challenges.between(first, last).map((c) => this.viewOf(c, false));
  }

  /** Keeps the result of every challenge that has finished and settled (the hub does this each minute). */
  settle(): void {
    for (const c of this.opts.store.challenges.all()) if (c.result === null) this.viewOf(c, true);
  }

  /** `keep`: a finished result is written down (the settling tick only; reading never writes). */
  private viewOf(stored: StoredChallenge, keep: boolean): ChallengeView {
    const { store, figures } = this.opts;
    const c = stored.challenge;
    const now = this.opts.now();
    const clock = new LocalClock({ timeZone: store.settings.get().timeZone });
    const { start, end } = windowOf(clock, c.date, c.from, c.to);
    const base = { ...c, start, end };
    const kept = stored.result as KeptResult | null;
    if (kept) return { ...base, state: 'done', ...shown(kept), now: null };
    const reads: ChallengeReads = {
      energy: (from, to) => figures.buckets('energy', 'hour', from, to),
      challengedOn: (date, from, to) =>
        store.challenges
          .between(date, date)
          .some((o) => o.challenge.id !== c.id && o.challenge.from < to && from < o.challenge.to),
    };
    const baseline = baselineOf(c, clock, reads);
    if (now < start)
      return {
        ...base,
        state: 'upcoming',
        baseline: baseline && { weeks: baseline.weeks, perHomeWh: baseline.perHomeWh },
        hours: [],
        figures: null,
        now: null,
        ...(baseline ? {} : { withheld: NO_BASELINE }),
      };
    const energy = reads.energy(start, Math.min(end, now));
    const value = savingValue(store.tariffs, store.settings.get(), now);
    const result: KeptResult = { ...windowFigures(c, clock, baseline, energy, value), baseline };
    if (now < end) {
      const live = figures.live('power');
      const k = Math.floor((now - start) / HOUR);
      const per = baseline?.perHome[k];
      return {
        ...base,
        state: 'live',
        ...shown(result),
        now:
          live && per !== undefined
            ? { watts: live.value, typicalW: per * live.households, ts: live.ts }
            : null,
      };
    }
    const decided = result.hours.every((h) => h.wh !== null) || result.withheld;
    if (decided || now - end >= SETTLE_MAX_MS) {
      if (keep) store.challenges.keepResult(c.id, result);
      return { ...base, state: 'done', ...shown(result), now: null };
    }
    return { ...base, state: 'settling', ...shown(result), now: null };
  }
}

function shown(r: KeptResult): Pick<ChallengeView, 'baseline' | 'hours' | 'figures' | 'withheld'> {
  const out: Pick<ChallengeView, 'baseline' | 'hours' | 'figures' | 'withheld'> = {
    baseline: r.baseline && { weeks: r.baseline.weeks, perHomeWh: r.baseline.perHomeWh },
    hours: r.hours,
    figures: r.figures,
  };
  if (!r.baseline) out.withheld = NO_BASELINE;
  else if (r.withheld) out.withheld = WITHHELD_HOUR;
  return out;
}
