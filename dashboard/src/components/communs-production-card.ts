import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProductionShares } from '../../../protocol/production.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchProduction, type ProductionBody } from '../data/production.ts';
import { formatEnergy } from '../format/format-energy.ts';
import { formatPercent } from '../format/format-percent.ts';
import { getLocale, type MessageKey, msg, plural } from '../i18n/localize.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import { styleProps } from '../styles/style-props.ts';

interface Loaded {
  day: ProductionBody;
  month: ProductionBody;
}

/**
 * Local production against the neighbourhood's consumption, today and this month, with the two
 * shares (docs/COLLECTIVE.md, "Production"): how much of the consumption the production covered,
 * and how much of the production was used here. Nothing when nothing is produced here.
 */
@customElement('communs-production-card')
export class CommunsProductionCard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host([hidden]) {
        display: none;
      }
      .spans {
        display: grid;
        gap: var(--communs-space-m);
        grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
      }
      h4 {
        font-size: var(--communs-text-m);
        margin: 0 0 var(--communs-space-xs);
      }
      .share {
        margin-bottom: var(--communs-space-s);
      }
      .share p {
        display: flex;
        justify-content: space-between;
        gap: var(--communs-space-s);
        margin: 0;
      }
      .share strong {
        font-variant-numeric: tabular-nums;
      }
      .bar {
        height: 0.75rem;
        border: 1px solid var(--communs-ink-muted);
        border-radius: var(--communs-radius);
        overflow: hidden;
      }
      .bar span {
        display: block;
        height: 100%;
        width: var(--share, 0%);
        background: var(--communs-accent);
      }
      :host([kiosk]) .bar {
        height: 2vh;
      }
      /* on the shared screen the card fills the room its view gives it */
      :host([kiosk]) .card {
        height: 100%;
        box-sizing: border-box;
      }
    `,
  ];

  /** the shared screen: larger, fewer words */
  @property({ type: Boolean, reflect: true }) kiosk = false;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly data = new LoadController<Loaded>(
    this,
    async (signal) => {
      // today in the hub's own time zone, then the month that day belongs to
      const day = await fetchProduction({}, signal);
      const month = await fetchProduction({ month: day.span.slice(0, 7) }, signal);
      return { day, month };
    },
    { refreshMs: 5 * 60_000 },
  );

  private renderShare(key: MessageKey, share: number | null, testid: string) {
    if (share === null) return nothing;
    const percent = formatPercent(share, getLocale());
    return html`<div class="share">
      <p><span>${msg(key)}</span> <strong data-testid=${testid}>${percent}</strong></p>
      <div class="bar" aria-hidden="true" style=${styleProps({ '--share': `${(share * 100).toFixed(1)}%` })}>
        <span></span>
      </div>
    </div>`;
  }

  private renderSpan(title: MessageKey, s: ProductionShares, testid: string) {
    const locale = getLocale();
    return html`<div data-testid=${testid}>
      <h4>${msg(title)}</h4>
      ${
        s.hours === 0
          ? html`<p class="muted">${msg('production.none')}</p>`
          : html`<p>
                ${msg('production.figures', {
                  produced: formatEnergy(s.producedWh, locale),
                  consumed: formatEnergy(s.consumedWh, locale),
                })}
              </p>
              ${this.renderShare(
                this.kiosk ? 'production.selfSufficiencyShort' : 'production.selfSufficiency',
                s.selfSufficiency,
                `${testid}-sufficiency`,
              )}
              ${this.renderShare(
                this.kiosk ? 'production.selfConsumptionShort' : 'production.selfConsumption',
                s.selfConsumption,
                `${testid}-consumption`,
              )}`
      }
      ${
        s.withheldHours > 0 && !this.kiosk
          ? html`<p class="muted">${plural('production.withheld', s.withheldHours)}</p>`
          : nothing
      }
    </div>`;
  }

  private renderProduction({ day, month }: Loaded) {
    return html`<section class="card" aria-labelledby="production-h" data-testid="production">
      <h3 id="production-h">${msg('production.title')}</h3>
      <div class="spans">
        ${this.renderSpan('production.today', day.total, 'production-day')}
        ${this.renderSpan('production.month', month.total, 'production-month')}
      </div>
      ${this.kiosk ? nothing : html`<p class="muted">${msg('production.method')}</p>`}
    </section>`;
  }

  override render() {
    const d = this.data.value;
    const failed = d === undefined && this.data.error !== undefined && !this.kiosk;
    // hidden, it takes no place in its parent's grid
    this.hidden = !failed && !d?.day.producing;
    if (failed) return this.data.render(() => nothing);
    return d?.day.producing ? this.renderProduction(d) : nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-production-card': CommunsProductionCard;
  }
}
