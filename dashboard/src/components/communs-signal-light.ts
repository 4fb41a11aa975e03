import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SignalDay } from '../../../protocol/signal.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchSignal, type SignalBody } from '../data/signal.ts';
import { formatTime } from '../format/format-date-time.ts';
import { formatNumber, withUnit } from '../format/format-number.ts';
import { formatPercent } from '../format/format-percent.ts';
import { getLocale, type MessageKey, msg } from '../i18n/localize.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

/**
 * The neighbourhood's signal (docs/COLLECTIVE.md): one light, with words, from what the hub knows
 * locally. On Now as a banner, on the shared screen's header in one line (`compact`), and large on
 * the screen's own view (`kiosk`). The words come from this dashboard's catalogues, from the codes
 * of `/api/signal`; the light is also said in words, never by its colour alone.
 */
@customElement('communs-signal-light')
export class CommunsSignalLight extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .signal {
        display: flex;
        gap: var(--communs-space-m);
        align-items: flex-start;
      }
      .lamp {
        flex: none;
        width: 2.5rem;
        height: 2.5rem;
        border-radius: 50%;
        border: 3px solid var(--communs-line);
        background: var(--communs-ink-muted);
      }
      .red .lamp {
        background: var(--communs-danger);
        border-color: var(--communs-danger);
      }
      .orange .lamp {
        background: var(--communs-warn);
        border-color: var(--communs-warn);
      }
      .green .lamp {
        background: var(--communs-ok);
        border-color: var(--communs-ok);
      }
      .red {
        border-color: var(--communs-danger);
        background: var(--communs-danger-soft);
      }
      .orange {
        border-color: var(--communs-warn);
        background: var(--communs-warn-soft);
      }
      .green {
        border-color: var(--communs-ok);
        background: var(--communs-accent-soft);
      }
      .headline {
        font-size: var(--communs-text-l);
        font-weight: 700;
        margin: 0 0 var(--communs-space-xs);
      }
      .words p:last-child {
        margin-bottom: 0;
      }
      :host([kiosk]) .lamp {
        width: 6rem;
        height: 6rem;
      }
      :host([kiosk]) .headline {
        font-size: var(--communs-text-xl);
      }
      /* one line in the shared screen's header: the lamp and the headline */
      :host([compact]) .signal {
        align-items: center;
        gap: var(--communs-space-s);
        padding: 0;
        border: none;
        background: none;
      }
      :host([compact]) .lamp {
        width: 1em;
        height: 1em;
      }
      :host([compact]) .headline {
        font-size: inherit;
        margin: 0;
      }
      /* on the shared screen the card fills the room its view gives it */
      :host([kiosk]) .card {
        height: 100%;
        box-sizing: border-box;
      }
    `,
  ];

  /** the shared screen's own view: large */
  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** the shared screen's header: the lamp and the headline only */
  @property({ type: Boolean, reflect: true }) compact = false;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  // The light turns with the hours (peak, off-peak, the sun): look again every minute.
  private readonly signal = new LoadController<SignalBody>(this, fetchSignal, { refreshMs: 60_000 });

  private reasonLines(s: SignalBody): string[] {
    const locale = getLocale();
    const lines = s.reasons.map((r) =>
      r === 'sun'
        ? msg('signal.reason.sun', { percent: formatPercent(s.production?.share ?? 0, locale) })
        : msg(`signal.reason.${r}` as MessageKey),
    );
    const held = s.light === 'red' || s.light === 'orange' || s.reasons.includes('off-peak');
    if (held && s.offPeak.nextChange !== null && !s.reasons.includes('sun'))
      lines.push(msg('signal.until', { time: formatTime(s.offPeak.nextChange, locale) }));
    return lines;
  }

  private tomorrowLine(day: SignalDay): string | null {
    const what: string[] = [];
    if (day.tempo === 'red' || day.tempo === 'white') what.push(msg(`signal.day.tempo-${day.tempo}`));
    if (day.ecowatt) what.push(msg(`signal.day.ecowatt-${day.ecowatt}`));
    if (what.length === 0) return null;
    const list = new Intl.ListFormat(getLocale(), { type: 'conjunction' });
    return msg('signal.tomorrow', { what: list.format(what) });
  }

  private weatherLine(s: SignalBody): string | null {
    const w = s.weather;
    if (!w.alert) return null;
    const c = w.alert === 'heat' ? w.max24 : w.min24;
    const temperature = c === null ? '—' : withUnit(formatNumber(c, getLocale(), 1), '°C');
    return msg(`signal.weather.${w.alert}`, { temperature });
  }

  private renderSignal(s: SignalBody) {
    const headline = msg(`signal.light.${s.light}`);
    if (this.compact) {
      return html`<p class="signal ${s.light}" data-testid="signal" data-light=${s.light}>
        <span class="lamp" aria-hidden="true"></span><span class="headline">${headline}</span>
      </p>`;
    }
    const tomorrow = this.tomorrowLine(s.tomorrow);
    const weather = this.weatherLine(s);
    return html`<section class="card signal ${s.light}" aria-labelledby="signal-h" data-testid="signal" data-light=${s.light}>
      <span class="lamp" aria-hidden="true"></span>
      <div class="words">
        <h3 class="visually-hidden" id="signal-h">${msg('signal.title')}</h3>
        <p class="headline">${headline}</p>
        ${this.reasonLines(s).length > 0 ? html`<p>${this.reasonLines(s).join(' ')}</p>` : nothing}
        ${weather ? html`<p data-testid="signal-weather"><strong>${weather}</strong></p>` : nothing}
        ${tomorrow ? html`<p>${tomorrow}</p>` : nothing}
        ${s.today.note ? html`<p class="muted">${msg('signal.note', { note: s.today.note })}</p>` : nothing}
      </div>
    </section>`;
  }

  override render() {
    // a header has no room for a loading line or an error card: the lamp appears once known
    if (this.compact && this.signal.value === undefined) return nothing;
    return this.signal.render((s) => this.renderSignal(s));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-signal-light': CommunsSignalLight;
  }
}
