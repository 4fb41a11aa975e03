import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { NodeInfo, SeriesBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { type CostBody, fetchCost } from '../data/cost.ts';
import { downloadText } from '../data/download.ts';
import { fetchNodes } from '../data/nodes.ts';
import { fetchSeries } from '../data/series.ts';
import { formatPeriod } from '../format/format-period.ts';
import { changeText, figuresText, totalText } from '../i18n/figures-text.ts';
import { getLocale, type MessageKey, msg, plural, quantityName } from '../i18n/localize.ts';
import { compareFigures } from '../model/change.ts';
import { downsample } from '../model/downsample.ts';
import { energyBars } from '../model/energy-bars.ts';
import {
  type Comparison,
  comparisonWindows,
  type Period,
  parseDateKey,
  periodContaining,
  periodKey,
  shiftPeriod,
  slotOf,
} from '../model/history-period.ts';
import { chooseStep, type HistoryRange, RANGES } from '../model/history-range.ts';
import { csvFileName, seriesToCsv } from '../model/series-csv.ts';
import { findSeries, groupSeries, type SeriesGroup } from '../model/series-names.ts';
import { type Gap, gapReasons, withGaps } from '../model/withheld-gaps.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import type { Bar } from './communs-bar-chart.ts';
import './communs-bar-chart.ts';
import './communs-chart.ts';

const COLLECTIVE_ENERGY = 'collective/energy';

function isRange(v: string | null): v is HistoryRange {
  return v !== null && (RANGES as readonly string[]).includes(v);
}

interface EnergyLoaded {
  kind: 'energy';
  period: Period;
  series: string;
  cost: CostBody;
  comparison: Comparison;
  previous: CostBody | null;
  lastYear: CostBody | null;
}

interface LineLoaded {
  kind: 'line';
  period: Period;
  series: string;
  body: SeriesBody;
  shown: { t: number[]; value: number[] };
}

type Loaded = EnergyLoaded | LineLoaded;

/**
 * History in residents' units: one calendar day, week, month or year at a time, with the ones before
 * a click away. Energy is drawn as bars (per hour of a day, per day of a week or month, per month of
 * a year) with its total in kWh, € and CO2 and a comparison with the period before and the same one
 * last year; power and the environment as a line. Range, period and series live in the query string.
 */
@customElement('communs-history-view')
export class CommunsHistoryView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: var(--communs-space-m);
        align-items: end;
        margin-bottom: var(--communs-space-m);
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        display: flex;
        flex-wrap: wrap;
        gap: var(--communs-space-xs);
      }
      legend,
      label {
        font-size: var(--communs-text-s);
        color: var(--communs-ink-muted);
        display: block;
        margin-bottom: var(--communs-space-xs);
      }
      /* the longest series name must not push the page sideways on a phone */
      .controls > div {
        flex: 1 1 16rem;
        min-width: 0;
        max-width: 36rem;
      }
      select {
        width: 100%;
      }
      .period {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--communs-space-s);
        margin-bottom: var(--communs-space-m);
      }
      .period h3 {
        margin: 0;
        flex: 1 1 12rem;
        text-align: center;
      }
      .total {
        font-size: var(--communs-text-l);
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .compare ul {
        margin: 0 0 var(--communs-space-s);
        padding-inline-start: 1.2em;
      }
      :host([kiosk]) .controls,
      :host([kiosk]) .period,
      :host([kiosk]) .download {
        display: none;
      }
      /* alone on the shared screen, the chart takes the height the total and comparison leave */
      :host([kiosk]) {
        display: flex;
        flex-direction: column;
        height: 100%;
      }
      :host([kiosk]) section.card {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      :host([kiosk]) communs-chart,
      :host([kiosk]) communs-bar-chart {
        flex: 1;
        min-height: 0;
      }
      :host([kiosk]) communs-chart {
        --communs-chart-height: 100%;
      }
      :host([kiosk]) communs-bar-chart {
        --communs-chart-height: 12vh;
      }
    `,
  ];

  @property({ reflect: true }) range: HistoryRange = 'week';
  @property() series: string = COLLECTIVE_ENERGY;
  /** shared screen: no controls, just the current period */
  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** read range/period/series from the URL and write them back (off inside the kiosk rotation) */
  @property({ type: Boolean }) routed = false;

  /** an instant inside the period shown; undefined: the current one */
  @state() private at: number | undefined;
  @state() private widthPx = 800;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly nodes = new LoadController<NodeInfo[]>(this, fetchNodes);

  private readonly data = new LoadController<Loaded>(this, (signal) => this.load(signal), {
    refreshMs: 5 * 60_000,
  });

  override connectedCallback(): void {
    if (this.routed) {
      const q = new URLSearchParams(location.search);
      const range = q.get('range');
      if (isRange(range)) this.range = range;
      this.series = q.get('series') ?? this.series;
      this.at = parseDateKey(q.get('at'));
    }
    // Measure before the first load so the step fits this screen.
    this.widthPx = Math.max(320, Math.min(window.innerWidth - 64, 1600));
    super.connectedCallback();
  }

  private period(): Period {
    return periodContaining(this.range, this.at ?? Date.now());
  }

  private async load(signal: AbortSignal): Promise<Loaded> {
    const period = this.period();
    const series = this.series;
    const now = Date.now();
    if ((await this.quantityOf(series, signal)) === 'energy') {
      const source = series === COLLECTIVE_ENERGY ? { collective: true } : { sensor: series };
      const comparison = comparisonWindows(period, now);
      const total = (w: { from: number; to: number }) =>
        w.to > w.from
          ? fetchCost({ ...source, ...w, bucket: 'none' }, signal).catch(() => null)
          : Promise.resolve(null);
      const [cost, previous, lastYear] = await Promise.all([
        fetchCost({ ...source, from: period.start, to: period.end, bucket: slotOf(period.range) }, signal),
        total(comparison.previous),
        comparison.lastYear ? total(comparison.lastYear) : Promise.resolve(null),
      ]);
      return { kind: 'energy', period, series, cost, comparison, previous, lastYear };
    }
    const span = period.end - period.start;
    const step =
      period.range === 'day' ? chooseStep(span, this.widthPx) : period.range === 'year' ? 'day' : 'hour';
    const to = Math.min(period.end, now);
    const collective = series.startsWith('collective/');
    const body = await fetchSeries(
      collective
        ? { quantity: series.slice('collective/'.length), from: period.start, to, step }
        : { sensor: series, from: period.start, to, step },
      signal,
    );
    return { kind: 'line', period, series, body, shown: downsample(body.points, 2 * this.widthPx, 'mean') };
  }

  private async quantityOf(series: string, signal: AbortSignal): Promise<string | undefined> {
    if (series.startsWith('collective/')) return series.slice('collective/'.length);
    const nodes = this.nodes.value ?? (await fetchNodes(signal));
    return nodes.flatMap((n) => n.sensors).find((s) => s.series === series)?.quantity;
  }

  private select(patch: { range?: HistoryRange; series?: string; at?: number | null }): void {
    if (patch.range) {
      // the new range around the period shown: a week of March becomes March
      if (this.at !== undefined) this.at = this.period().start;
      this.range = patch.range;
    }
    if (patch.series) this.series = patch.series;
    if (patch.at !== undefined) {
      const current = periodContaining(this.range, Date.now());
      this.at = patch.at === null || patch.at >= current.start ? undefined : patch.at;
    }
    if (this.routed) {
      const q = new URLSearchParams({ range: this.range, series: this.series });
      if (this.at !== undefined) q.set('at', periodKey(this.period()));
      history.replaceState(history.state, '', `${location.pathname}?${q}`);
    }
    void this.data.run();
  }

  private groups(): SeriesGroup[] {
    return groupSeries(this.nodes.value ?? []);
  }

  /** "Bibliothèque · CO₂", "Quartier · Énergie"; the raw id only for a series no one names. */
  private seriesLabel(series: string): string {
    const found = findSeries(this.groups(), series);
    if (!found) return series;
    const place = found.place ?? msg('history.neighbourhood');
    const quantity = quantityName(found.option.quantity);
    return found.option.detail
      ? msg('history.seriesNameDetail', { place, quantity, detail: found.option.detail })
      : msg('history.seriesName', { place, quantity });
  }

  private renderControls() {
    return html`<div class="controls">
      <fieldset>
        <legend>${msg('history.range')}</legend>
        ${RANGES.map(
          (r) =>
            html`<button type="button" aria-pressed=${String(r === this.range)} @click=${() => this.select({ range: r })}>
              ${msg(`history.${r}` as MessageKey)}
            </button>`,
        )}
      </fieldset>
      <div>
        <label for="series">${msg('history.series')}</label>
        <select id="series" @change=${(e: Event) => this.select({ series: (e.target as HTMLSelectElement).value })}>
          ${this.groups().map(
            (g) => html`<optgroup label=${g.place ?? msg('history.neighbourhood')}>
              ${g.options.map(
                (o) =>
                  html`<option value=${o.series} ?selected=${o.series === this.series}>${this.seriesLabel(o.series)}</option>`,
              )}
            </optgroup>`,
          )}
        </select>
      </div>
    </div>`;
  }

  private renderPeriodNav() {
    const period = this.period();
    const current = period.end > Date.now();
    const r = period.range;
    return html`<div class="period">
      <button type="button" @click=${() => this.select({ at: shiftPeriod(period, -1).start })}>
        ‹ ${msg(`history.prev.${r}` as MessageKey)}
      </button>
      <h3 aria-live="polite" data-testid="period">${formatPeriod(period, getLocale())}</h3>
      <button type="button" ?disabled=${current} @click=${() => this.select({ at: shiftPeriod(period, 1).start })}>
        ${msg(`history.next.${r}` as MessageKey)} ›
      </button>
      ${
        current
          ? nothing
          : html`<button type="button" @click=${() => this.select({ at: null })}>${msg(`history.latest.${r}` as MessageKey)}</button>`
      }
    </div>`;
  }

  private bars(d: EnergyLoaded): Bar[] {
    return energyBars(d.period, d.cost.buckets, d.cost.currency, getLocale(), Date.now());
  }

  private renderCompare(d: EnergyLoaded) {
    const r = d.period.range;
    const locale = getLocale();
    const line = (what: string, w: { period: Period }, body: CostBody | null) => {
      const when = formatPeriod(w.period, locale);
      const label = d.comparison.partial ? msg('history.samePoint', { period: when }) : when;
      if (!body || body.total.hours === 0 || body.withheld)
        return html`<li>${msg('history.compareLine', { what, when: label, figures: msg('history.noData') })}</li>`;
      const change = compareFigures(d.cost.total.hours > 0 ? d.cost.total.wh : null, body.total.wh);
      return html`<li>
        ${msg('history.compareLine', { what, when: label, figures: figuresText(body.total, body.currency) })}${
          change ? html` — <strong>${changeText(change)}</strong>` : nothing
        }
      </li>`;
    };
    return html`<div class="compare">
      <h4 class="visually-hidden">${msg('history.compare')}</h4>
      <ul data-testid="compare">
        ${line(msg(`history.previous.${r}` as MessageKey), d.comparison.previous, d.previous)}
        ${
          // the shared screen keeps to one line: the period before
          d.comparison.lastYear && r !== 'year' && !this.kiosk
            ? line(msg(`history.lastYear.${r}` as MessageKey), d.comparison.lastYear, d.lastYear)
            : nothing
        }
      </ul>
    </div>`;
  }

  /** Why some of a collective figure is missing: each reason once (docs/PRIVACY.md). */
  private renderGaps(gaps: readonly Gap[] | undefined) {
    const reasons = gapReasons(gaps).map((r) => msg(`withheld.${r}` as MessageKey));
    return reasons.length > 0
      ? html`<p class="muted">${msg('withheld.gaps', { reasons: reasons.join(' ') })}</p>`
      : nothing;
  }

  private renderWithheld(gaps: readonly Gap[] | undefined) {
    return html`<p class="withheld">${msg(`withheld.${gapReasons(gaps)[0] ?? 'too_few'}` as MessageKey)}</p>`;
  }

  private renderEnergy(d: EnergyLoaded) {
    if (d.cost.withheld && d.cost.total.hours === 0) return this.renderWithheld(d.cost.gaps);
    const label = this.seriesLabel(d.series);
    const unit = { hour: 'unit.perHour', day: 'unit.perDay', month: 'unit.perMonth' } as const;
    const t = d.cost.total;
    return html`<p class="total" data-testid="period-total">
        ${totalText(t, d.cost.currency, d.comparison.partial)}
      </p>
      <communs-bar-chart
        .bars=${this.bars(d)}
        unit=${msg(unit[slotOf(d.period.range)], { unit: 'kWh' })}
        symbol="kWh"
        label=${`${label}, ${formatPeriod(d.period, getLocale())}`}
      ></communs-bar-chart>
      ${
        d.cost.assumedBlueDays.length > 0
          ? html`<p class="muted">${plural('history.assumedBlue', d.cost.assumedBlueDays.length)}</p>`
          : nothing
      }
      ${this.renderGaps(d.cost.gaps)} ${this.renderCompare(d)}`;
  }

  private renderLine(d: LineLoaded) {
    if (d.shown.t.length === 0 && d.body.gaps?.length) return this.renderWithheld(d.body.gaps);
    if (d.shown.t.length === 0) return html`<p class="muted">${msg('history.empty')}</p>`;
    // withheld stretches are drawn as breaks, never as zeros
    const drawn = withGaps(d.shown.t, d.shown.value, d.body.gaps);
    const label = this.seriesLabel(d.series);
    const unit =
      d.body.step === 'day'
        ? 'unit.meanPerDay'
        : d.body.step === 'hour'
          ? 'unit.meanPerHour'
          : 'unit.meanPerMinute';
    return html`<p class="muted">${msg(unit, { unit: d.body.unit })}</p>
      <communs-chart
        .from=${d.period.start}
        .to=${d.period.end}
        .t=${drawn.t}
        .values=${drawn.value}
        unit=${d.body.unit}
        label=${label}
        ?compact=${this.kiosk}
      ></communs-chart>
      ${this.renderGaps(d.body.gaps)}`;
  }

  private download(d: Loaded): void {
    const file = csvFileName(d.series, d.period.range, periodKey(d.period));
    if (d.kind === 'line') {
      const { body, shown } = d;
      downloadText(
        file,
        seriesToCsv({ series: body.series, unit: body.unit, t: shown.t, value: shown.value }),
      );
      return;
    }
    const b = d.cost.buckets;
    downloadText(
      file,
      seriesToCsv({
        series: d.series,
        unit: 'kWh',
        t: b.t,
        value: b.wh.map((wh) => wh / 1000),
        cost: { values: b.cost, currency: d.cost.currency },
      }),
    );
  }

  private renderCard(d: Loaded) {
    const label = this.seriesLabel(d.series);
    return html`<section class="card" aria-labelledby="chart-h" aria-busy=${String(this.data.pending)}>
      <h3 id="chart-h">
        ${label}${this.kiosk ? ` · ${formatPeriod(d.period, getLocale())}` : nothing}
      </h3>
      ${d.kind === 'energy' ? this.renderEnergy(d) : this.renderLine(d)}
      ${d.kind === 'energy' && !this.kiosk ? html`<p class="muted">${msg('cost.estimateShort')}</p>` : nothing}
      <p class="download">
        <button type="button" @click=${() => this.download(d)}>${msg('history.download')}</button>
      </p>
    </section>`;
  }

  override render() {
    return html`${this.kiosk ? nothing : html`<h2>${msg('history.title')}</h2>`} ${this.renderControls()}
      ${this.renderPeriodNav()} ${this.data.render((d) => this.renderCard(d))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-history-view': CommunsHistoryView;
  }
}
