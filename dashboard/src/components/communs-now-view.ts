import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LiveAggregate, NodeInfo, SeriesBody } from '../../../protocol/api.ts';
import { LiveController } from '../controllers/live-controller.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchNodes } from '../data/nodes.ts';
import { fetchSeries } from '../data/series.ts';
import { formatHourSlot, formatTime, formatWeekday } from '../format/format-date-time.ts';
import { formatEnergy } from '../format/format-energy.ts';
import { formatPercent } from '../format/format-percent.ts';
import { formatPower } from '../format/format-power.ts';
import { getLocale, type MessageKey, msg, plural } from '../i18n/localize.ts';
import { chooseStep } from '../model/history-range.ts';
import { peakHours } from '../model/peak-hours.ts';
import { compareWithTypicalDay, differenceFromTypical } from '../model/typical-day.ts';
import { gapReasons, withGaps } from '../model/withheld-gaps.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-air-line.ts';
import './communs-challenge-card.ts';
import './communs-chart.ts';
import './communs-cost-today.ts';
import './communs-empty-hub.ts';
import './communs-live-status.ts';
import './communs-production-card.ts';
import './communs-signal-light.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKS = 4;

/** The neighbourhood now: collective power live, today against a typical day, last 24 h, peak hours. */
@customElement('communs-now-view')
export class CommunsNowView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .hero-figure {
        font-size: var(--communs-text-hero);
        white-space: nowrap;
        font-weight: 800;
        line-height: 1;
        margin: var(--communs-space-s) 0;
        color: var(--communs-accent);
        font-variant-numeric: tabular-nums;
      }
      .withheld {
        border-color: var(--communs-warn);
        background: var(--communs-warn-soft);
      }
      .signal {
        margin-bottom: var(--communs-space-m);
      }
      ul {
        margin: 0;
        padding-inline-start: 1.2em;
      }
      .air {
        margin-bottom: var(--communs-space-m);
      }
      /* the shared screen: the cards, then the curve over the whole height left */
      :host([kiosk]) {
        display: flex;
        flex-direction: column;
        height: 100%;
      }
      :host([kiosk]) .head {
        align-items: center;
        margin-bottom: var(--communs-space-m);
      }
      :host([kiosk]) .head .air {
        margin: 0;
        flex: 1;
      }
      /* four cards side by side: their figures shrink to the card rather than spill out of it */
      :host([kiosk]) .cards > .card {
        container-type: inline-size;
      }
      :host([kiosk]) .hero-figure {
        font-size: min(var(--communs-text-hero), 20cqi);
      }
      :host([kiosk]) .figure {
        font-size: min(var(--communs-text-xl), 11cqi);
      }
      :host([kiosk]) .curve {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      :host([kiosk]) .curve communs-chart {
        flex: 1;
        min-height: 0;
        --communs-chart-height: 100%;
      }
    `,
  ];

  /** large-type layout for the shared screen */
  @property({ type: Boolean, reflect: true }) kiosk = false;

  @state() private live: LiveAggregate | null = null;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly power = new LoadController<SeriesBody>(
    this,
    (signal) => {
      const now = Date.now();
      // at most two points per pixel of this screen (a phone gets hours, a wall screen minutes)
      const step = chooseStep(DAY, window.innerWidth);
      return fetchSeries({ quantity: 'power', from: now - DAY, to: now, step }, signal);
    },
    { refreshMs: 10 * 60_000 },
  );

  // Hourly energy of today and of the same weekday of the last WEEKS weeks, in one request.
  private readonly energy = new LoadController<SeriesBody>(
    this,
    (signal) => {
      const now = Date.now();
      return fetchSeries(
        { quantity: 'energy', from: now - (WEEKS * 7 + 1) * DAY, to: now, step: 'hour' },
        signal,
      );
    },
    { refreshMs: 5 * 60_000 },
  );

  // every minute: the nodes carry each place's latest air readings, for the air line
  private readonly nodes = new LoadController<NodeInfo[]>(this, fetchNodes, { refreshMs: 60_000 });

  private readonly liveCtl = new LiveController(this, {
    aggregate: (a) => {
      if (a.quantity !== 'power') return;
      this.live = a;
      this.refetchIfWithheld();
      this.extendCurve(a);
    },
    reconnected: () => {
      void this.power.run();
      void this.energy.run();
    },
  });

  private lastWithheldRetry = 0;

  /**
   * A live aggregate means at least 3 households contribute now; a curve that was withheld when
   * fetched (a young hub, households joining) may be shown now, so ask again, at most every 30 s.
   */
  private refetchIfWithheld(): void {
    const body = this.power.value;
    if (!body || this.power.pending || body.points.t.length > 0) return;
    if (Date.now() - this.lastWithheldRetry < 30_000) return;
    this.lastWithheldRetry = Date.now();
    void this.power.run();
    void this.energy.run();
  }

  /** Adds live figures to the 24 h curve at most once a minute, so an old screen is not redrawing all day. */
  private extendCurve(a: LiveAggregate): void {
    const body = this.power.value;
    const v = a.value;
    if (!body || v === null || body.points.t.length === 0) return;
    const { t, value } = body.points;
    const last = t.at(-1) ?? 0;
    if (a.ts - last < 60_000) return;
    const from = a.ts - DAY;
    const keep = t.findIndex((ts) => ts >= from);
    const start = keep < 0 ? t.length : keep;
    this.power.value = {
      ...body,
      points: {
        t: [...t.slice(start), a.ts],
        value: [...value.slice(start), v],
        min: [...body.points.min.slice(start), v],
        max: [...body.points.max.slice(start), v],
      },
    };
  }

  /** The figure is withheld (docs/PRIVACY.md): say why, and show what the named households draw. */
  private renderWithheld(reason: string, named: number | null | undefined, ts: number | undefined) {
    const locale = getLocale();
    return html`<section
      class="card withheld"
      aria-labelledby="power-h"
      data-testid="collective-withheld"
      data-ts=${ts ?? ''}
    >
      <h3 id="power-h">${msg('now.power')}</h3>
      <p>${msg(`withheld.${reason}` as MessageKey)}</p>
      ${typeof named === 'number' ? html`<p>${msg('now.namedSum', { power: formatPower(named, locale) })}</p>` : nothing}
    </section>`;
  }

  private renderPower(series: SeriesBody) {
    const locale = getLocale();
    if (this.live && this.live.value === null) {
      return this.renderWithheld(this.live.withheld ?? 'too_few', this.live.named?.value, this.live.ts);
    }
    if (!this.live && series.points.t.length === 0 && (series.gaps?.length ?? 0) > 0) {
      return this.renderWithheld(
        gapReasons(series.gaps).at(-1) ?? 'too_few',
        series.named?.points.value.at(-1),
        // the newest withheld bucket, as a live figure would be dated
        (series.gaps?.at(-1)?.to ?? series.stepMs) - series.stepMs,
      );
    }
    const last = series.points.value.at(-1);
    const watts = this.live?.value ?? last;
    const ts = this.live?.ts ?? series.points.t.at(-1);
    return html`<section class="card" aria-labelledby="power-h">
      <h3 id="power-h">${msg('now.power')}</h3>
      <p class="hero-figure" data-testid="collective-power" data-ts=${ts ?? ''}>
        ${watts === undefined ? '—' : formatPower(watts, locale)}
      </p>
      <p class="muted">
        ${this.kiosk ? nothing : msg('now.powerHint')} ${ts ? msg('now.updated', { time: formatTime(ts, locale) }) : nothing}
      </p>
    </section>`;
  }

  private renderToday(series: SeriesBody) {
    const locale = getLocale();
    const now = Date.now();
    if (series.points.t.length === 0 && series.gaps?.length)
      return html`<section class="card withheld"><p>${msg(`withheld.${gapReasons(series.gaps)[0] ?? 'too_few'}` as MessageKey)}</p></section>`;
    const c = compareWithTypicalDay(series.points.t, series.points.value, now, WEEKS);
    return html`<section class="card" aria-labelledby="today-h">
      <h3 id="today-h">${msg('now.today')}</h3>
      ${
        // the neighbourhood's figures come an hour at a time: before 01:00 there is none for today
        c.early && c.todayWh === 0
          ? html`<p>${msg('history.noneYet')}</p>`
          : html`<p class="figure" data-testid="today-energy">${formatEnergy(c.todayWh, locale)}</p>`
      }
      ${
        // just after midnight no hour has ended yet: nothing to compare, and no "not enough weeks"
        c.early
          ? nothing
          : c.typicalWh === null
            ? html`<p class="muted">${msg('now.typicalNone')}</p>`
            : html`<p>
              ${msg('now.typical', {
                weekday: formatWeekday(now, locale),
                time: formatTime(c.through, locale),
                energy: formatEnergy(c.typicalWh, locale),
              })}
            </p>
            ${c.typicalWh > 0 ? this.renderDifference(c.comparedWh, c.typicalWh, now) : nothing}`
      }
    </section>`;
  }

  private renderDifference(todayWh: number, typicalWh: number, now: number) {
    const locale = getLocale();
    const d = differenceFromTypical(todayWh, typicalWh);
    return html`<p class="muted" data-testid="vs-typical">
      ${msg(`now.vsTypical.${d.direction}`, { percent: formatPercent(d.share, locale), weekday: formatWeekday(now, locale) })}
    </p>`;
  }

  private renderPeak(series: SeriesBody) {
    const hours = peakHours(series.points.t, series.points.value, 3);
    const locale = getLocale();
    return html`<section class="card" aria-labelledby="peak-h">
      <h3 id="peak-h">${msg('now.peak')}</h3>
      ${
        hours.length === 0
          ? html`<p class="muted">${msg('now.peakNone')}</p>`
          : html`<ul>
              ${hours.map((h) => html`<li>${formatHourSlot(h, locale)}</li>`)}
            </ul>`
      }
      ${this.kiosk ? nothing : html`<p class="muted">${msg('now.peakHint')}</p>`}
    </section>`;
  }

  private renderContributors(nodes: NodeInfo[]) {
    const households = new Set<string>();
    const named = new Set<string>();
    let sensors = 0;
    // The counts must match the live figure, which sums the fresh power readings of each series: a
    // meter's energy counter is not a second sensor, an offline node adds nothing now, and a place
    // that only measures the air does not contribute.
    for (const n of nodes) {
      const metered = n.sensors.filter((s) => s.quantity === 'power').length;
      if (metered === 0 || n.state !== 'online') continue;
      sensors += metered;
      households.add(n.household?.id ?? `node:${n.id}`);
      if (n.household) named.add(n.household.name);
    }
    // The live aggregate counts who contributes right now; /api/nodes counts who is registered.
    const hh = this.live?.households ?? households.size;
    const ss = this.live?.sensors ?? sensors;
    const names = [...named].sort((a, b) => a.localeCompare(b, getLocale()));
    const list = new Intl.ListFormat(getLocale(), { type: 'conjunction' });
    return html`<section class="card" aria-labelledby="who-h">
      <h3 id="who-h">${msg('now.contributors')}</h3>
      <p class="figure" data-testid="contributors">${plural('now.households', hh)}</p>
      <p>${plural('now.sensors', ss)}</p>
      ${names.length > 0 && !this.kiosk ? html`<p>${msg('now.named', { names: list.format(names) })}</p>` : nothing}
      ${named.size < households.size && !this.kiosk ? html`<p class="muted">${msg('now.unnamed')}</p>` : nothing}
    </section>`;
  }

  private renderCurve(series: SeriesBody) {
    // buckets left out (fewer than 3 private households in them) are gaps in the curve, with why
    if (series.points.t.length === 0) return nothing;
    const shown = withGaps(series.points.t, series.points.value, series.gaps);
    const reasons = gapReasons(series.gaps).map((r) => msg(`withheld.${r}` as MessageKey));
    return html`<section class="card curve" aria-labelledby="curve-h">
      <h3 id="curve-h">${msg('now.last24h')}</h3>
      <communs-chart
        ?compact=${this.kiosk}
        .from=${series.from}
        .to=${Math.max(series.to, series.points.t.at(-1) ?? 0)}
        .t=${shown.t}
        .values=${shown.value}
        unit=${series.unit}
        label=${msg('now.power')}
      ></communs-chart>
      ${reasons.length > 0 && !this.kiosk ? html`<p class="muted">${msg('withheld.gaps', { reasons: reasons.join(' ') })}</p>` : nothing}
    </section>`;
  }

  private renderedMarked = false;

  protected override updated(): void {
    // The benchmark's "first rendered Now view": the collective figure is on screen with a value.
    if (!this.renderedMarked && (this.power.value || this.live)) {
      this.renderedMarked = true;
      performance.clearMarks('communs:now-rendered');
      performance.mark('communs:now-rendered');
    }
  }

  override render() {
    const air = html`<communs-air-line
      class="air"
      .nodes=${this.nodes.value ?? []}
      ?kiosk=${this.kiosk}
    ></communs-air-line>`;
    return html`
      <div class="head">
        ${this.kiosk ? air : html`<h2>${msg('now.title')}</h2>`}
        <communs-live-status state=${this.liveCtl.state}></communs-live-status>
      </div>
      ${this.kiosk ? nothing : html`<communs-signal-light class="signal"></communs-signal-light>`}
      ${this.kiosk ? nothing : air}
      ${this.nodes.value?.length === 0 ? html`<communs-empty-hub></communs-empty-hub>` : this.renderFigures()}
    `;
  }

  private renderFigures() {
    return html`
      <div class="cards">
        ${this.power.render((s) => this.renderPower(s))} ${this.energy.render((s) => this.renderToday(s))}
        <communs-cost-today ?kiosk=${this.kiosk}></communs-cost-today>
        ${this.nodes.render((n) => this.renderContributors(n))}
        ${!this.kiosk && this.power.value ? this.renderPeak(this.power.value) : nothing}
        ${this.kiosk ? nothing : html`<communs-challenge-card></communs-challenge-card><communs-production-card></communs-production-card>`}
      </div>
      ${this.power.value ? this.renderCurve(this.power.value) : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-now-view': CommunsNowView;
  }
}
