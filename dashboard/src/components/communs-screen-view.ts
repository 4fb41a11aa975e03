import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LIVE_STATE_EVENT } from '../controllers/live-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchServedBuild, runningBuild } from '../data/build.ts';
import type { LiveState } from '../data/live.ts';
import { formatTime } from '../format/format-date-time.ts';
import { getLocale, type MessageKey, msg } from '../i18n/localize.ts';
import './communs-environment-view.ts';
import './communs-footprint-view.ts';
import './communs-history-view.ts';
import './communs-now-view.ts';
import './communs-signal-light.ts';
import './communs-together-view.ts';

export const SCREEN_VIEWS = ['now', 'together', 'environment', 'history', 'footprint'] as const;
type ScreenView = (typeof SCREEN_VIEWS)[number];

/**
 * The shared screen: a kiosk that rotates through the residents' views with no interaction, in the
 * large-type high-contrast theme, read from across a room. Each view is created on its first turn
 * and kept: while the hub is away its last figures stay on screen, dimmed, under a line saying the
 * screen reconnects by itself (there is no pointer, so no button); each view's loads retry on their
 * own (LoadController) and its live stream reconnects (subscribeLive).
 */
@customElement('communs-screen-view')
export class CommunsScreenView extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      overflow: hidden;
      box-sizing: border-box;
      padding: 2vh 2.5vw 1.5vh;
      color: var(--communs-ink);
      font-size: var(--communs-text-m);
    }
    header {
      display: flex;
      justify-content: space-between;
      align-items: baseline;
      gap: 2vw;
      margin-bottom: 1.5vh;
    }
    h1 {
      font-size: var(--communs-text-l);
      margin: 0;
      line-height: 1.15;
    }
    .clock {
      font-size: var(--communs-text-l);
      font-variant-numeric: tabular-nums;
    }
    .outage {
      flex: 1;
      text-align: center;
      font-size: var(--communs-text-m);
      font-weight: 700;
      color: var(--communs-warn);
    }
    .stage {
      flex: 1;
      min-height: 0;
      overflow: hidden;
      transition: opacity 0.5s;
    }
    :host([offline]) .stage {
      opacity: 0.45;
    }
    .slot {
      height: 100%;
    }
    .slot[hidden] {
      display: none;
    }
    .slot > * {
      height: 100%;
    }
    ol {
      display: flex;
      justify-content: center;
      gap: 1vw;
      list-style: none;
      margin: 1vh 0 0;
      padding: 0;
    }
    li {
      width: 1.2vw;
      height: 1.2vw;
      min-width: 10px;
      min-height: 10px;
      border-radius: 50%;
      border: 2px solid var(--communs-ink-muted);
    }
    li[aria-current='true'] {
      background: var(--communs-accent);
      border-color: var(--communs-accent);
    }
  `;

  /** seconds each view stays on screen */
  @property({ type: Number }) every = 20;
  @property({ reflect: true, attribute: 'data-view' }) view: ScreenView = 'now';
  /** a live stream is down: the figures shown are the last ones received */
  @property({ type: Boolean, reflect: true }) offline = false;
  @state() private now = Date.now();
  /** the views created so far, kept for their next turn */
  @state() private created = new Set<ScreenView>();
  /** when the outage began, said on screen so the figures' age is plain */
  @state() private offlineSince: number | null = null;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private rotation: ReturnType<typeof setInterval> | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;
  /** the last live state of each view that streams (Now, Environment) */
  private readonly streams = new Map<EventTarget, LiveState>();

  private readonly onLiveState = (e: Event) => {
    const source = e.composedPath()[0] ?? e.target;
    if (!source) return;
    this.streams.set(source, (e as CustomEvent<LiveState>).detail);
    const offline = [...this.streams.values()].some((s) => s === 'reconnecting');
    if (offline && !this.offline) this.offlineSince = Date.now();
    this.offline = offline;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.dataset.theme = 'kiosk';
    this.addEventListener(LIVE_STATE_EVENT, this.onLiveState);
    this.rotation = setInterval(() => this.next(), Math.max(2, this.every) * 1000);
    this.clock = setInterval(() => {
      this.now = Date.now();
    }, 10_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    delete document.documentElement.dataset.theme;
    this.removeEventListener(LIVE_STATE_EVENT, this.onLiveState);
    if (this.rotation) clearInterval(this.rotation);
    if (this.clock) clearInterval(this.clock);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('view') && !this.created.has(this.view))
      this.created = new Set(this.created).add(this.view);
  }

  private next(): void {
    const i = SCREEN_VIEWS.indexOf(this.view);
    const wrapped = (i + 1) % SCREEN_VIEWS.length;
    this.view = SCREEN_VIEWS[wrapped] ?? 'now';
    if (wrapped === 0) void this.reloadIfRebuilt();
  }

  /**
   * A shared screen runs for months; after the hub is upgraded it would keep running the old code
   * against the new API. Once per rotation it checks which build the hub serves and reloads if it changed.
   */
  private async reloadIfRebuilt(): Promise<void> {
    const running = runningBuild();
    const served = await fetchServedBuild();
    if (running && served && served !== running) location.reload();
  }

  private renderView(view: ScreenView) {
    if (!this.created.has(view)) return nothing;
    switch (view) {
      case 'now':
        return html`<communs-now-view kiosk></communs-now-view>`;
      case 'together':
        return html`<communs-together-view kiosk></communs-together-view>`;
      case 'environment':
        return html`<communs-environment-view kiosk></communs-environment-view>`;
      case 'history':
        return html`<communs-history-view kiosk range="week"></communs-history-view>`;
      case 'footprint':
        return html`<communs-footprint-view kiosk></communs-footprint-view>`;
    }
  }

  override render() {
    const title = msg(`nav.${this.view}` as MessageKey);
    const locale = getLocale();
    return html`<header>
        <h1>${msg('app.name')} · ${title}</h1>
        <communs-signal-light compact></communs-signal-light>
        ${
          this.offline
            ? html`<span class="outage" role="status"
              >${msg('screen.reconnecting', { time: formatTime(this.offlineSince ?? this.now, locale) })}</span
            >`
            : nothing
        }
        <span class="clock" aria-label=${msg('screen.clock')}>${formatTime(this.now, locale)}</span>
      </header>
      <div class="stage">
        ${SCREEN_VIEWS.map((v) => html`<div class="slot" ?hidden=${v !== this.view}>${this.renderView(v)}</div>`)}
      </div>
      <ol aria-label=${msg('screen.views')}>
        ${SCREEN_VIEWS.map((v) => html`<li aria-current=${String(v === this.view)} title=${msg(`nav.${v}` as MessageKey)}></li>`)}
      </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-screen-view': CommunsScreenView;
  }
}
