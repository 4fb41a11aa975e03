import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { NodeInfo, SeriesBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { downloadText } from '../data/download.ts';
import { fetchNodes } from '../data/nodes.ts';
import { fetchSeries } from '../data/series.ts';
import { type MessageKey, msg } from '../i18n/localize.ts';
import { downsample } from '../model/downsample.ts';
import { chooseStep, type HistoryRange, RANGES, rangeBounds } from '../model/history-range.ts';
import { csvFileName, seriesToCsv } from '../model/series-csv.ts';
import { gapReasons, withGaps } from '../model/withheld-gaps.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-chart.ts';

const COLLECTIVE = ['collective/energy', 'collective/power'] as const;

function isRange(v: string | null): v is HistoryRange {
  return v !== null && (RANGES as readonly string[]).includes(v);
}

/**
 * Collective energy (or one public series) over a day, week, month or year, read from the hub's
 * rollups at a step that keeps at most two points per pixel, with a CSV of exactly what is drawn.
 * The chosen range and series live in the query string, so a view can be linked to.
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
        gap: var(--communs-space-xs);
      }
      legend,
      label {
        font-size: var(--communs-text-s);
        color: var(--communs-ink-muted);
        display: block;
        margin-bottom: var(--communs-space-xs);
      }
      :host([kiosk]) .controls,
      :host([kiosk]) .download,
      :host([kiosk]) .step {
        display: none;
      }
      /* alone on the shared screen, the chart takes the whole height */
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
      :host([kiosk]) communs-chart {
        flex: 1;
        min-height: 0;
        --communs-chart-height: 100%;
      }
    `,
  ];

  @property({ reflect: true }) range: HistoryRange = 'week';
  @property() series: string = COLLECTIVE[0];
  /** shared screen: no controls, just the chart */
  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** read range/series from the URL and write them back (off inside the kiosk rotation) */
  @property({ type: Boolean }) routed = false;

  @state() private widthPx = 800;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly data = new LoadController<SeriesBody & { shown: { t: number[]; value: number[] } }>(
    this,
    async (signal) => {
      const { from, to } = rangeBounds(this.range, Date.now());
      const step = chooseStep(to - from, this.widthPx);
      const collective = this.series.startsWith('collective/');
      const body = await fetchSeries(
        collective
          ? { quantity: this.series.slice('collective/'.length), from, to, step }
          : { sensor: this.series, from, to, step },
        signal,
      );
      const mode = body.quantity === 'energy' || body.quantity === 'pulses' ? 'sum' : 'mean';
      return { ...body, shown: downsample(body.points, 2 * this.widthPx, mode) };
    },
    { refreshMs: 5 * 60_000 },
  );

  private readonly nodes = new LoadController<NodeInfo[]>(this, fetchNodes);

  override connectedCallback(): void {
    if (this.routed) {
      const q = new URLSearchParams(location.search);
      const range = q.get('range');
      if (isRange(range)) this.range = range;
      this.series = q.get('series') ?? this.series;
    }
    // Measure before the first load so the step fits this screen.
    this.widthPx = Math.max(320, Math.min(window.innerWidth - 64, 1600));
    super.connectedCallback();
  }

  private select(patch: { range?: HistoryRange; series?: string }): void {
    if (patch.range) this.range = patch.range;
    if (patch.series) this.series = patch.series;
    if (this.routed) {
      const q = new URLSearchParams({ range: this.range, series: this.series });
      history.replaceState(history.state, '', `${location.pathname}?${q}`);
    }
    void this.data.run();
  }

  private download(body: SeriesBody & { shown: { t: number[]; value: number[] } }): void {
    const csv = seriesToCsv({
      series: body.series,
      unit: body.unit,
      t: body.shown.t,
      value: body.shown.value,
    });
    downloadText(csvFileName(body.series, this.range, Date.now()), csv);
  }

  private seriesLabel(series: string): string {
    if (series === 'collective/energy') return msg('history.collectiveEnergy');
    if (series === 'collective/power') return msg('history.collectivePower');
    return series;
  }

  private renderControls() {
    const options = [
      ...COLLECTIVE,
      ...(this.nodes.value ?? [])
        .filter((n) => n.sharing !== 'private')
        .flatMap((n) => n.sensors.map((s) => s.series))
        .sort(),
    ];
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
          ${options.map((s) => html`<option value=${s} ?selected=${s === this.series}>${this.seriesLabel(s)}</option>`)}
        </select>
      </div>
    </div>`;
  }

  private renderChart(body: SeriesBody & { shown: { t: number[]; value: number[] } }) {
    if (body.shown.t.length === 0 && body.gaps?.length)
      return html`<p class="card withheld">${msg(`withheld.${gapReasons(body.gaps)[0] ?? 'too_few'}` as MessageKey)}</p>`;
    const label = this.seriesLabel(body.series);
    // withheld stretches are drawn as breaks, never as zeros
    const drawn = withGaps(body.shown.t, body.shown.value, body.gaps);
    const reasons = gapReasons(body.gaps).map((r) => msg(`withheld.${r}` as MessageKey));
    return html`<section class="card" aria-labelledby="chart-h" aria-busy=${String(this.data.pending)}>
      <h3 id="chart-h">${label} · ${msg(`history.${this.range}` as MessageKey)}</h3>
      ${
        body.shown.t.length === 0
          ? html`<p class="muted">${msg('history.empty')}</p>`
          : html`<communs-chart
              .from=${body.from}
              .to=${body.to}
              .t=${drawn.t}
              .values=${drawn.value}
              unit=${body.unit}
              label=${label}
              kind=${body.quantity === 'energy' ? 'bars' : 'line'}
              ?compact=${this.kiosk}
            ></communs-chart>`
      }
      ${reasons.length > 0 ? html`<p class="muted">${msg('withheld.gaps', { reasons: reasons.join(' ') })}</p>` : nothing}
      <p class="muted step">${msg('history.step', { step: msg(`step.${body.step}`) })}</p>
      <p class="download">
        <button type="button" @click=${() => this.download(body)}>${msg('history.download')}</button>
      </p>
    </section>`;
  }

  override render() {
    return html`${this.kiosk ? nothing : html`<h2>${msg('history.title')}</h2>`} ${this.renderControls()}
    ${this.data.render((b) => this.renderChart(b))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-history-view': CommunsHistoryView;
  }
}
