import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchServedBuild, runningBuild } from '../data/build.ts';
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
 * large-type high-contrast theme. Each view is created afresh when its turn comes, so a view that
 * failed while the hub was restarting loads again on its next turn: the screen heals by itself.
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
      padding: 2vh 3vw;
      color: var(--communs-ink);
      font-size: var(--communs-text-m);
    }
    header {
      display: flex;
      justify-content: space-between;
      align-items: baseline;
      gap: 2vw;
    }
    h1 {
      font-size: var(--communs-text-l);
      margin: 0 0 1vh;
    }
    .clock {
      font-size: var(--communs-text-l);
      font-variant-numeric: tabular-nums;
    }
    .stage {
      flex: 1;
      min-height: 0;
      overflow: hidden;
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
  @state() private now = Date.now();

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private rotation: ReturnType<typeof setInterval> | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.dataset.theme = 'kiosk';
    this.rotation = setInterval(() => this.next(), Math.max(2, this.every) * 1000);
    this.clock = setInterval(() => {
      this.now = Date.now();
    }, 10_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    delete document.documentElement.dataset.theme;
    if (this.rotation) clearInterval(this.rotation);
    if (this.clock) clearInterval(this.clock);
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

  private renderView() {
    switch (this.view) {
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
      default:
        return nothing;
    }
  }

  override render() {
    const title = msg(`nav.${this.view}` as MessageKey);
    return html`<header>
        <h1>${msg('app.name')} · ${title}</h1>
        <communs-signal-light compact></communs-signal-light>
        <span class="clock" aria-label=${msg('screen.clock')}>${formatTime(this.now, getLocale())}</span>
      </header>
      <div class="stage">${this.renderView()}</div>
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
