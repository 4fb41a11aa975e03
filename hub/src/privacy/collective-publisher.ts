import { type LiveAggregate, QUANTITIES, type Quantity } from '../../../protocol/index.ts';
import type { LiveBus } from '../live-bus.ts';
import type { CollectiveLedger, HouseholdBucket, LedgerRow } from '../store/collective-ledger.ts';
import type { Registry } from '../store/registry.ts';
import type { SettingsStore } from '../store/settings.ts';
import {
  type Contribution,
  figureOf,
  type Judgement,
  judge,
  namedFigureOf,
  type PrivacyPolicy,
  type WithheldReason,
} from './aggregate-rule.ts';
import { exposureOf } from './exposure.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The finest bucket a quantity's collective figure is decided at: a minute for gauges (the live
 * figure), an hour for counters (a meter that reports every few minutes is in every hour, not in
 * every minute). Coarser buckets are made of the published ones only, never decided apart: a coarse
 * figure minus the finer ones inside it would otherwise give away the withheld ones.
 */
export function basePeriod(q: Quantity): number {
  return QUANTITIES[q].kind === 'counter' ? HOUR : MINUTE;
}

/**
 * The coarser buckets derived from published base buckets as they come (a gauge's hours and days:
 * the mean of its published minutes). A counter's days are decided once each day has closed
 * (`finalizeDays`): a day total that moved with every hour would give away each withheld hour.
 */
export function coarsePeriods(q: Quantity): number[] {
  return QUANTITIES[q].kind === 'counter' ? [] : [HOUR, DAY];
}

/** A bucket is decided once it ended this long ago: readings sent on time are in by then. */
export const SETTLE_MS = 15_000;
/** At most this much of a quantity's history is decided in one step (the event loop turns between). */
const CHUNK_MS = DAY;
/** A decided bucket this recent is the live figure. */
const LIVE_MS = 5 * MINUTE;

export interface PublisherOptions {
  ledger: CollectiveLedger;
  registry: Registry;
  settings: SettingsStore;
  bus: LiveBus;
  now?: () => number;
  log: (line: string) => void;
  intervalMs?: number;
}

interface Latest {
  start: number;
  row: LedgerRow;
  judgement: Judgement;
}

export function policyOf(settings: SettingsStore): PrivacyPolicy {
  const s = settings.get();
  return { k: s.privacyK, dominance: s.privacyDominance };
}

/**
 * The one place collective figures become public (docs/PRIVACY.md). Once a bucket has settled, it
 * reads each household's part of it, asks the aggregate rule, and records the verdict in the
 * ledger: every public output (the series API, the live stream, the public MQTT topics, Home
 * Assistant, federation, the shared screen) reads figures from there and nowhere else. The newest
 * minute of each gauge goes out on the live bus as an `aggregate` event, published or withheld.
 */
export class CollectivePublisher {
  private readonly opts: PublisherOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  /** per quantity: where deciding resumes */
  private readonly horizon = new Map<Quantity, number>();
  private readonly latest = new Map<Quantity, Latest>();
  private readonly emitted = new Map<Quantity, string>();
  /** per quantity: the newest minute withdrawn (an erasure, a change of sharing): never live again */
  private readonly withdrawn = new Map<Quantity, number>();
  /** late marks taken from the ledger and not decided yet, per quantity */
  private readonly late = new Map<Quantity, Set<number>>();

  constructor(opts: PublisherOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.run(), this.opts.intervalMs ?? 500);
    this.timer.unref();
    this.run();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = undefined;
    this.soon = undefined;
  }

  /** Something was committed: look again shortly (several commits make one look). */
  nudge(): void {
    if (this.stopped || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.run();
    }, 200);
    this.soon.unref();
  }

  /** The newest live figure of each gauge, as last emitted. */
  current(): LiveAggregate[] {
    return [...this.latest.entries()].map(([q, l]) => this.live(q, l));
  }

  /**
   * A household was erased or stopped sharing: the live figures that counted it are withdrawn at
   * once (the next minute publishes afresh), so no retained copy goes on counting it.
   */
  withdrawLive(): void {
    for (const [q, l] of this.latest) {
      // kept as withdrawn: deciding that minute again (the erasure marks it late) or a client that
      // connects now must not bring the figure back
      this.withdrawn.set(q, l.start);
      const row: LedgerRow = { ...l.row, value: null, series: null, households: null, withheld: 'withdrawn' };
      const withdrawn = { ...l, row };
      this.latest.set(q, withdrawn);
      const event = this.live(q, withdrawn);
      this.opts.bus.emit('aggregate', event);
      this.emitted.set(q, JSON.stringify(event));
    }
  }

  /** Decides whatever has settled, a day of history at a time, the event loop turning in between. */
  run(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const behind = this.step();
      if (behind && !this.stopped) setImmediate(() => this.run());
    } catch (err) {
      this.opts.log(`collective figures: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /**
   * One step: returns true when history is left to decide. The ledger reads the rollups merged with
   * what ingest holds in memory (hub/src/store/rollup-reader.ts): deciding writes verdicts only.
   */
  step(): boolean {
    // a failed step rolls back every verdict of it: where deciding resumes goes back with them
    const horizon = new Map(this.horizon);
    const late = new Map([...this.late].map(([q, set]) => [q, new Set(set)]));
    let behind: boolean;
    try {
      behind = this.opts.ledger.batch(() => this.decideStep());
    } catch (err) {
      this.horizon.clear();
      for (const [q, t] of horizon) this.horizon.set(q, t);
      this.late.clear();
      for (const [q, set] of late) this.late.set(q, set);
      throw err;
    }
    // after the commit: a listener of the live bus never runs inside the ledger's transaction
    this.emitLive(this.now());
    return behind;
  }

  private decideStep(): boolean {
    const { ledger } = this.opts;
    const now = this.now();
    const plan: { q: Quantity; base: number; from: number; to: number; settled: number }[] = [];
    let due = false;
    for (const q of this.quantities()) {
      const base = basePeriod(q);
      const settled = Math.floor((now - SETTLE_MS) / base) * base;
      let from = this.horizon.get(q);
      if (from === undefined) {
        // a quantity seen for the first time: its history starts at its first rollup
        from = ledger.resumeAt(q, base) ?? settled;
        due = true;
        this.restoreLive(q, from);
      }
      const to = Math.min(settled, from + CHUNK_MS);
      plan.push({ q, base, from, to, settled });
      if (from < to || ledger.pendingBefore(base, from)) due = true;
    }
    let behind = false;
    if (due) {
      for (const { q, base, from, to, settled } of plan) {
        if (from < to) this.decide(q, from, to);
        // writes to buckets before this are late from now on: marked, and looked at again
        ledger.evaluatedUpTo(base, Math.max(from, to));
        this.horizon.set(q, Math.max(from, to));
        if (to < settled) behind = true;
      }
      if (this.decideLate()) behind = true;
    } else if (this.late.size > 0 && this.decideLate()) behind = true;
    return behind;
  }

  /**
   * After a restart, the newest minute decided before it is the live figure again at once: a screen
   * that reconnects keeps a figure instead of an empty card until the next minute has settled. The
   * minute is judged again from the same parts (a published one stays as it was recorded).
   */
  private restoreLive(q: Quantity, resumeAt: number): void {
    const { ledger } = this.opts;
    const base = basePeriod(q);
    const last = resumeAt - base;
    if (QUANTITIES[q].kind === 'counter' || this.now() - last > LIVE_MS) return;
    const stored = ledger.rows(q, base, last, resumeAt)[0];
    if (!stored) return;
    const { row, judgement } = this.judgeBucket(q, last, ledger.parts(q, false, base, last, resumeAt));
    // only a figure its data would give again: one that counted a household erased since, or readings
    // that came late, was withdrawn or stays as recorded, and waits for the next minute
    if (row.value !== stored.value || row.withheld !== stored.withheld) return;
    this.latest.set(q, { start: last, row: stored, judgement });
  }

  private quantities(): Quantity[] {
    const out = new Set<Quantity>();
    for (const s of this.opts.registry.allSensors()) out.add(s.quantity);
    return [...out].sort();
  }

  /**
   * Late writes to decided buckets: a withheld one may pass now; a published one stays as it is.
   * A day of them per quantity at a time (a backfill or a long replay marks weeks): returns true
   * when some are left for the next step, the event loop turning in between.
   */
  private decideLate(): boolean {
    for (const m of this.opts.ledger.takeLate()) {
      if (m.period !== basePeriod(m.quantity)) continue;
      const list = this.late.get(m.quantity) ?? new Set<number>();
      list.add(m.start);
      this.late.set(m.quantity, list);
    }
    let left = false;
    for (const [q, set] of this.late) {
      const base = basePeriod(q);
      const starts = [...set].sort((a, b) => a - b);
      const first = starts[0];
      if (first === undefined) continue;
      const day = starts.filter((t) => t < first + CHUNK_MS);
      // one pass over the span: its parts read once, and each hour and day the marked buckets fall in
      // made again once (history every 5 minutes marks every fifth minute: a pass per run of
      // consecutive buckets made each day again some 300 times)
      this.decide(q, first, (day.at(-1) as number) + base, new Set(day));
      for (const t of day) set.delete(t);
      if (set.size > 0) left = true;
      else this.late.delete(q);
    }
    return left;
  }

  /** Decides the buckets of [from, to) that have parts; with `only`, just those starting there. */
  private decide(q: Quantity, from: number, to: number, only?: ReadonlySet<number>): void {
    const { ledger } = this.opts;
    const counter = QUANTITIES[q].kind === 'counter';
    const base = basePeriod(q);
    const rows: LedgerRow[] = [];
    let newest: { start: number; judgement: Judgement } | undefined;
    for (const [start, parts] of byBucket(ledger.parts(q, counter, base, from, to))) {
      if (only && !only.has(start)) continue;
      const { row, judgement } = this.judgeBucket(q, start, parts);
      rows.push(row);
      if (!newest || start > newest.start) newest = { start, judgement };
    }
    ledger.record(q, base, counter, rows, coarsePeriods(q));
    if (counter) this.finalizeDays(q, from, to, Math.floor((this.now() - SETTLE_MS) / base) * base);
    // the live figure is what the ledger holds for the newest minute (a published one stays as it was)
    const prev = this.latest.get(q);
    if (counter || !newest || (prev && newest.start < prev.start)) return;
    if (newest.start <= (this.withdrawn.get(q) ?? Number.NEGATIVE_INFINITY)) return;
    const stored = ledger.rows(q, base, newest.start, newest.start + base)[0];
    if (stored) this.latest.set(q, { start: newest.start, row: stored, judgement: newest.judgement });
  }

  /** The rule's verdict on one base bucket from each household's part of it, as a ledger row. */
  private judgeBucket(
    q: Quantity,
    start: number,
    parts: readonly HouseholdBucket[],
  ): { row: LedgerRow; judgement: Judgement } {
    const { registry, settings } = this.opts;
    const spec = QUANTITIES[q];
    const base = basePeriod(q);
    const measure = spec.collective === 'mean' ? 'weight' : 'value';
    const combine = spec.kind === 'counter' || spec.collective === 'sum' ? 'sum' : 'mean';
    const contributions: Contribution[] = parts.map((p) => ({
      household: p.household,
      value: p.value,
      weight: p.series,
      exposure: exposureOf(registry.sharingPeriods(p.household), start, start + base),
    }));
    const j = judge(contributions, policyOf(settings), measure);
    const row: LedgerRow = j.publish
      ? {
          start,
          value: figureOf(j, combine),
          series: j.named.weight + j.remainder.weight,
          households: j.named.households + j.remainder.households,
          private: j.remainder.households,
          withheld: null,
        }
      : { start, value: null, series: null, households: null, private: 0, withheld: j.reason ?? 'too_few' };
    return { row, judgement: j };
  }

  /**
   * A counter's closed days (ended by `settled`) among those of the hours [from, to) just decided,
   * live or late: the day's total is
   * published once, for good. When every hour was published it is their sum, which tells nothing
   * more. When some were withheld, the day minus its published hours is the withheld hours taken
   * together: the day is published only if that remainder itself passes the rule (docs/PRIVACY.md,
   * "Days of a counter").
   */
  private finalizeDays(q: Quantity, from: number, to: number, settled: number): void {
    const { ledger, registry, settings } = this.opts;
    const policy = policyOf(settings);
    const out: LedgerRow[] = [];
    for (let day = Math.floor(from / DAY) * DAY; day < to && day + DAY <= settled; day += DAY) {
      const hours = ledger.rows(q, HOUR, day, day + DAY);
      if (hours.length === 0) continue;
      const published = hours.filter((h) => h.value !== null);
      const withheld = hours.filter((h) => h.value === null);
      const known = Math.max(0, ...hours.map((h) => h.households ?? 0));
      const sumPublished = published.reduce((s, h) => s + (h.value ?? 0), 0);
      if (withheld.length === 0) {
        out.push({
          start: day,
          value: sumPublished,
          series: Math.max(0, ...published.map((h) => h.series ?? 0)),
          households: known,
          private: Math.max(0, ...published.map((h) => h.private)),
          withheld: null,
        });
        continue;
      }
      // the withheld hours as one bucket: each household's part summed over them
      const byHousehold = new Map<string, HouseholdBucket>();
      for (const h of withheld)
        for (const p of ledger.parts(q, true, HOUR, h.start, h.start + HOUR)) {
          const acc = byHousehold.get(p.household) ?? {
            start: day,
            household: p.household,
            value: 0,
            series: 0,
          };
          acc.value += p.value;
          acc.series = Math.max(acc.series, p.series);
          byHousehold.set(p.household, acc);
        }
      const contributions: Contribution[] = [...byHousehold.values()].map((p) => ({
        household: p.household,
        value: p.value,
        weight: p.series,
        exposure: exposureOf(registry.sharingPeriods(p.household), day, day + DAY),
      }));
      const j = judge(contributions, policy, 'value');
      out.push(
        j.publish
          ? {
              start: day,
              value: sumPublished + figureOf(j, 'sum'),
              series: j.named.weight + j.remainder.weight,
              households: Math.max(known, j.named.households + j.remainder.households),
              private: Math.max(1, j.remainder.households),
              withheld: null,
            }
          : { start: day, value: null, series: null, households: null, private: 0, withheld: 'partial' },
      );
    }
    ledger.recordFinal(q, DAY, out);
  }

  private emitLive(now: number): void {
    for (const [q, l] of this.latest) {
      if (now - l.start > LIVE_MS) continue;
      const event = this.live(q, l);
      const key = JSON.stringify(event);
      if (this.emitted.get(q) === key) continue;
      this.emitted.set(q, key);
      this.opts.bus.emit('aggregate', event);
    }
  }

  private live(q: Quantity, l: Latest): LiveAggregate {
    const spec = QUANTITIES[q];
    const combine = spec.collective === 'mean' ? 'mean' : 'sum';
    const named = l.row.withheld === 'withdrawn' ? null : namedFigureOf(l.judgement, combine);
    const out: LiveAggregate = {
      quantity: q,
      unit: spec.unit,
      ts: l.start,
      stepMs: basePeriod(q),
      value: l.row.value,
      households: l.row.households,
      sensors: l.row.series,
      named: named === null ? null : { value: named, households: l.judgement.named.households },
    };
    if (l.row.withheld) out.withheld = l.row.withheld as WithheldReason;
    return out;
  }
}

function byBucket(parts: readonly HouseholdBucket[]): Map<number, HouseholdBucket[]> {
  const out = new Map<number, HouseholdBucket[]>();
  for (const p of parts) {
    const list = out.get(p.start) ?? [];
    list.push(p);
    out.set(p.start, list);
  }
  return out;
}
