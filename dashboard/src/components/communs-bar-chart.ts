import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { formatNumber, withUnit } from '../format/format-number.ts';
import { getLocale } from '../i18n/localize.ts';
import { barScale, labelStride } from '../model/bar-scale.ts';
import { styleProps } from '../styles/style-props.ts';

export interface Bar {
  /** the short label under the bar ("lun. 9") */
  label: string;
  /** the bar's full name, for its tooltip and the table read aloud ("lundi 9 mars") */
  title: string;
  /** in the chart's unit; null where there is no data (a day still to come, a gap) */
  value: number | null;
  /** what else to say about it, e.g. "≈ 2,95 €" */
  note?: string;
  /** the bar under way (today, this month): drawn open, it is still growing */
  partial?: boolean;
}

/**
 * Bars of energy per hour, day or month, in plain HTML and CSS: a handful of bars need no canvas, and
 * text stays crisp and follows the theme's type size on a wall screen. The unit is stated above the
 * chart ("kWh per day"), the scale is round, and a table that only assistive technology reads carries
 * every value.
 */
function longest(labels: readonly string[]): string {
  return labels.reduce((a, b) => (b.length > a.length ? b : a), '');
}

@customElement('communs-bar-chart')
export class CommunsBarChart extends LitElement {
  static override styles = css`
    /* at least --communs-chart-height tall; given more (the shared screen's whole height), the bars take it */
    :host {
      display: flex;
      flex-direction: column;
    }
    figure {
      flex: 1;
      display: flex;
      flex-direction: column;
      margin: 0;
      /* holds the hidden table: placed against the page, it would lengthen a kiosk page */
      position: relative;
    }
    .unit {
      font-size: var(--communs-text-s);
      color: var(--communs-ink-muted);
      margin: 0 0 var(--communs-space-xs);
    }
    .chart {
      display: grid;
      grid-template-columns: auto 1fr;
      flex: 1;
      grid-template-rows: minmax(var(--communs-chart-height), 1fr) auto;
      column-gap: var(--communs-space-s);
      font-size: var(--communs-text-s);
      color: var(--communs-chart-axis);
      font-variant-numeric: tabular-nums;
    }
    .axis,
    .plot {
      position: relative;
    }
    .axis {
      min-width: 2ch;
    }
    /* the longest tick label, unseen, gives the axis its width: the labels never spill out of it */
    .axis .sizer {
      position: static;
      display: block;
      visibility: hidden;
      transform: none;
      height: 0;
    }
    .axis span {
      position: absolute;
      inset-inline-end: 0;
      transform: translateY(50%);
      white-space: nowrap;
      line-height: 1;
    }
    .grid {
      position: absolute;
      inset-inline: 0;
      border-top: 1px solid var(--communs-chart-grid);
    }
    .grid.zero {
      border-top-color: var(--communs-chart-axis);
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(var(--bars), minmax(0, 1fr));
    }
    .bars {
      position: absolute;
      inset: 0;
    }
    .bars li {
      display: flex;
      flex-direction: column;
      justify-content: flex-end;
      align-items: center;
      min-width: 0;
    }
    .bar {
      width: 72%;
      min-height: 1px;
      background: var(--communs-chart-line);
      border-radius: 2px 2px 0 0;
      box-sizing: border-box;
    }
    .bar.partial {
      background: var(--communs-chart-fill);
      border: 2px solid var(--communs-chart-line);
      border-bottom: 0;
    }
    .bars li:hover .bar {
      opacity: 0.8;
    }
    .value {
      color: var(--communs-ink);
      white-space: nowrap;
      margin-bottom: 2px;
    }
    .labels {
      padding-top: var(--communs-space-xs);
    }
    .labels li {
      text-align: center;
      white-space: pre;
      overflow: visible;
      line-height: 1.2;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  @property({ attribute: false }) bars: readonly Bar[] = [];
  /** the unit, stated above the chart: "kWh per day" */
  @property() unit = '';
  /** the symbol of the values: "kWh" */
  @property() symbol = '';
  /** what the chart shows, for the table read aloud */
  @property() label = '';

  @state() private widthPx = 0;
  @state() private fontPx = 14;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private resize: ResizeObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => {
      this.widthPx = this.clientWidth;
      // the labels' own type size (smaller than the page's, larger on the shared screen)
      const labels = this.renderRoot.querySelector('.labels') ?? this;
      this.fontPx = Number.parseFloat(getComputedStyle(labels).fontSize) || 14;
    });
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.resize = null;
  }

  protected override updated(): void {
    // The benchmark and the browser tests wait on this mark, as for the line chart.
    performance.clearMarks('communs:chart-drawn');
    performance.mark('communs:chart-drawn', { detail: { points: this.bars.length } });
  }

  override render() {
    const locale = getLocale();
    const max = Math.max(0, ...this.bars.map((b) => b.value ?? 0));
    const scale = barScale(max);
    const n = Math.max(1, this.bars.length);
    const slotPx = (this.widthPx || 600) / n;
    // a character is about 0.55 em wide: the longest line of a label decides how many fit
    const chars = Math.max(1, ...this.bars.map((b) => Math.max(...b.label.split('\n').map((l) => l.length))));
    const stride = labelStride(n, (this.widthPx || 600) * 0.9, this.fontPx * (0.55 * chars + 0.4));
    const values = n <= 12 && slotPx >= this.fontPx * 3.4;
    // sizes set through the CSSOM: the page's CSP (default-src 'self') refuses inline style attributes
    const pct = (v: number) => `${(v / scale.top) * 100}%`;
    const digits = (v: number) => (v >= 100 ? 0 : v >= 1 ? 1 : 2);
    const said = (b: Bar) =>
      b.value === null
        ? '—'
        : `${withUnit(formatNumber(b.value, locale, digits(b.value)), this.symbol)}${b.note ? ` · ${b.note}` : ''}`;
    return html`<figure>
      <p class="unit">${this.unit}</p>
      <div class="chart" aria-hidden="true" style=${styleProps({ '--bars': String(n) })}>
        <div class="axis">
          <span class="sizer">${longest(scale.ticks.map((t) => formatNumber(t, locale, scale.digits)))}</span>
          ${scale.ticks.map((t) => html`<span style=${styleProps({ bottom: pct(t) })}>${formatNumber(t, locale, scale.digits)}</span>`)}
        </div>
        <div class="plot">
          ${scale.ticks.map((t) => html`<div class=${t === 0 ? 'grid zero' : 'grid'} style=${styleProps({ bottom: pct(t) })}></div>`)}
          <ol class="bars">
            ${this.bars.map(
              (b) => html`<li title=${`${b.title} — ${said(b)}`}>
                ${values && b.value !== null ? html`<span class="value">${formatNumber(b.value, locale, digits(b.value))}</span>` : nothing}
                ${
                  b.value === null
                    ? nothing
                    : html`<span class=${b.partial ? 'bar partial' : 'bar'} style=${styleProps({ height: pct(b.value) })}></span>`
                }
              </li>`,
            )}
          </ol>
        </div>
        <div></div>
        <ol class="labels">
          ${this.bars.map((b, i) => html`<li>${i % stride === 0 ? b.label : ''}</li>`)}
        </ol>
      </div>
      <!-- a table grows to its content whatever its width: a 1px box around it keeps the page from scrolling -->
      <div class="visually-hidden">
        <table>
          <caption>${this.label} (${this.unit})</caption>
          ${this.bars.map((b) => html`<tr><th scope="row">${b.title}</th><td>${said(b)}</td></tr>`)}
        </table>
      </div>
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-bar-chart': CommunsBarChart;
  }
}
