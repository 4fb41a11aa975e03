import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { LocaleController } from '../controllers/locale-controller.ts';
import { MediaController } from '../controllers/media-controller.ts';
import { axisTimeFormatter } from '../format/format-axis-time.ts';
import { formatDate, formatDateTime } from '../format/format-date-time.ts';
import { formatReading } from '../format/format-reading.ts';
import { getLocale, msg, plural } from '../i18n/localize.ts';
import { summarizeSeries } from '../model/series-summary.ts';

let canvasSupport: boolean | undefined;
// uPlot is half of the dashboard's script (~21 KB of ~47 KB compressed): it loads with the first
// chart, after the figures a slow phone shows first, and once for the page.
let uplotModule: Promise<{ default: typeof uPlot }> | undefined;

function loadUplot(): Promise<{ default: typeof uPlot }> {
  uplotModule ??= import('uplot');
  return uplotModule;
}

/** Without a 2D canvas (a stripped-down browser, a DOM emulator) the caption alone carries the chart. */
function canDraw(): boolean {
  canvasSupport ??= document.createElement('canvas').getContext('2d') !== null;
  return canvasSupport;
}

/**
 * A time-series chart (uPlot on a canvas) with its text alternative: the canvas is hidden from
 * assistive technology and a caption states range, extremes, mean and latest value. uPlot's styles
 * go through adoptedStyleSheets with the rest, so the `default-src 'self'` policy has nothing to block.
 */
@customElement('communs-chart')
export class CommunsChart extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
      }
      figure {
        margin: 0;
        height: 100%;
      }
      .plot {
        height: var(--communs-chart-height);
        min-height: 120px;
        overflow: hidden;
      }
      :host([compact]) figcaption {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      figcaption {
        font-size: var(--communs-text-s);
        color: var(--communs-ink-muted);
        margin-top: var(--communs-space-xs);
      }
    `,
  ];

  /** epoch ms */
  @property({ attribute: false }) t: readonly number[] = [];
  /** null: a withheld bucket, drawn as a break */
  @property({ attribute: false }) values: readonly (number | null)[] = [];
  @property() unit = '';
  @property() label = '';
  /** the time range to show (epoch ms); defaults to the data's own span */
  @property({ type: Number }) from?: number;
  @property({ type: Number }) to?: number;
  /** the shared screen: the caption stays for assistive technology but takes no room */
  @property({ type: Boolean, reflect: true }) compact = false;
  /** bars suit energy per bucket; a line suits power and gauges */
  @property() kind: 'line' | 'bars' = 'line';

  @query('.plot') private plotEl!: HTMLDivElement;
  @query('figcaption') private captionEl!: HTMLElement;
  private plot: uPlot | null = null;
  /** axis labels are formatted for a language: a switch rebuilds the chart */
  private builtLocale = '';
  private resize: ResizeObserver | null = null;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  /** the colours are read from the tokens when the plot is built: a switch to dark rebuilds it */
  private readonly dark = new MediaController(this, '(prefers-color-scheme: dark)');
  private builtDark = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => this.fit());
    // moved elsewhere in the page after its first render: firstUpdated will not run again
    if (this.hasUpdated) this.resize.observe(this.plotEl);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  protected override firstUpdated(): void {
    this.resize?.observe(this.plotEl);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new unit, kind, range or language changes axes and paths: rebuild; new points only: setData.
    const rebuild =
      changed.has('unit') ||
      changed.has('kind') ||
      changed.has('from') ||
      this.builtLocale !== getLocale() ||
      this.builtDark !== this.dark.matches ||
      !this.plot;
    if (rebuild) this.build();
    else if (changed.has('t') || changed.has('values')) this.plot?.setData(this.data());
  }

  private data(): uPlot.AlignedData {
    return [Array.from(this.t), Array.from(this.values)];
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(this.plotEl.clientWidth, 200), height: Math.max(this.plotEl.clientHeight, 120) };
  }

  private fit(): void {
    if (!this.plot) return this.build();
    const { width, height } = this.size();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  /** counts builds, so a plot whose library arrives after a newer build was asked for is not drawn */
  private builds = 0;

  private build(): void {
    if (!this.plotEl || !this.isConnected || !canDraw()) return;
    const build = ++this.builds;
    void loadUplot().then(({ default: UPlot }) => {
      if (build === this.builds && this.isConnected) this.draw(UPlot);
    });
  }

  private draw(UPlot: typeof uPlot): void {
    performance.clearMarks('communs:chart-build');
    performance.mark('communs:chart-build');
    this.plot?.destroy();
    const style = getComputedStyle(this);
    const token = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    // axis labels at the small text size of the page (the caption's, ~25 px on the shared screen)
    const fontPx = Math.round(Number.parseFloat(getComputedStyle(this.captionEl).fontSize) || 14);
    this.dataset.axisPx = String(fontPx);
    const font = `${fontPx}px ${token('--communs-font', 'sans-serif')}`;
    const axisColor = token('--communs-chart-axis', '#444');
    const grid = { stroke: token('--communs-chart-grid', '#ddd'), width: 1 };
    const locale = getLocale();
    this.builtLocale = locale;
    this.builtDark = this.dark.matches;
    const from = this.from ?? this.t[0] ?? 0;
    const to = this.to ?? this.t.at(-1) ?? 0;
    const span = to - from;
    const timeLabel = axisTimeFormatter(span, locale);
    const unit = this.unit;
    const bars = this.kind === 'bars' ? UPlot.paths.bars?.({ size: [0.8, 40] }) : undefined;
    const opts: uPlot.Options = {
      ...this.size(),
      ms: 1,
      legend: { show: false },
      cursor: { y: false },
      scales: { x: { time: true, ...(span > 0 ? { range: (): uPlot.Range.MinMax => [from, to] } : {}) } },
      series: [
        {},
        {
          label: this.label,
          stroke: token('--communs-chart-line', '#0b5d3b'),
          fill: token('--communs-chart-fill', 'transparent'),
          width: 2,
          points: { show: false },
          ...(bars ? { paths: bars } : {}),
        },
      ],
      axes: [
        {
          stroke: axisColor,
          grid,
          font,
          // room for a label like "12:30 PM" between ticks, at the page's type size
          space: fontPx * 7,
          size: Math.round(fontPx * 2.2),
          values: (_u, ticks) => ticks.map((ts) => timeLabel(ts)),
        },
        {
          stroke: axisColor,
          grid,
          font,
          // as wide as the longest label ("1 500 ppm" was cut to ". 500 ppm" at a fixed width)
          size: (_u, values) =>
            fontPx * (0.62 * Math.max(4, ...(values ?? []).map((v) => String(v).length)) + 1),
          values: (_u, ticks) => ticks.map((v) => formatReading(v, unit, locale)),
        },
      ],
      hooks: {
        draw: [
          () => {
            // The benchmark and the browser tests wait on this mark rather than on a guess. Only the
            // latest is kept: a shared screen redraws for weeks and the timeline never empties itself.
            performance.clearMarks('communs:chart-drawn');
            performance.mark('communs:chart-drawn', { detail: { points: this.t.length } });
            this.dispatchEvent(new Event('chart-drawn', { bubbles: true, composed: true }));
          },
        ],
      },
    };
    this.plot = new UPlot(opts, this.data(), this.plotEl);
  }

  private summary(): string {
    const locale = getLocale();
    const s = summarizeSeries(this.t, this.values);
    if (!s) return msg('chart.summaryEmpty', { label: this.label });
    const f = (v: number) => formatReading(v, this.unit, locale);
    // beyond two days the time of day is noise in a sentence; the date is what matters
    const when = s.to - s.from > 2 * 86_400_000 ? formatDate : formatDateTime;
    return msg('chart.summary', {
      label: this.label,
      cadence: s.cadence ? msg(`chart.cadence.${s.cadence}`) : plural('chart.values', s.count),
      from: when(s.from, locale),
      to: when(s.to, locale),
      min: f(s.min),
      max: f(s.max),
      mean: f(s.mean),
      last: f(s.last),
    });
  }

  override render() {
    return html`<figure>
      <div class="plot" aria-hidden="true"></div>
      <figcaption>${this.summary()}</figcaption>
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-chart': CommunsChart;
  }
}
