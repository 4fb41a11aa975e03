import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SettingsBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { type CostBody, fetchCost } from '../data/cost.ts';
import { fetchSettings } from '../data/settings.ts';
import { formatMass } from '../format/format-mass.ts';
import { formatMoney } from '../format/format-money.ts';
import { formatNumber } from '../format/format-number.ts';
import { getLocale, type MessageKey, msg, plural } from '../i18n/localize.ts';
import { periodContaining } from '../model/history-period.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

interface Loaded {
  cost: CostBody;
  settings: SettingsBody;
}

/**
 * "Today so far ≈ €": what the neighbourhood's electricity has cost since midnight at the tariff set
 * on the hub, with its daily charges, its CO2 and, on a Tempo tariff, the day's colour. Its own
 * card, on Now and on the shared screen; docs/MONEY.md says how the figure is computed.
 */
@customElement('communs-cost-today')
export class CommunsCostToday extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      /* its card as tall as the others in the row */
      :host {
        display: grid;
      }
      .withheld {
        border-color: var(--communs-warn);
        background: var(--communs-warn-soft);
      }
      .tempo-red {
        color: var(--communs-danger);
        font-weight: 700;
      }
    `,
  ];

  /** the shared screen: fewer words */
  @property({ type: Boolean, reflect: true }) kiosk = false;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly data = new LoadController<Loaded>(
    this,
    async (signal) => {
      const now = Date.now();
      const { start } = periodContaining('day', now);
      const [cost, settings] = await Promise.all([
        fetchCost({ collective: true, from: start, to: now, bucket: 'none' }, signal),
        fetchSettings(signal),
      ]);
      return { cost, settings };
    },
    { refreshMs: 5 * 60_000 },
  );

  private renderCost({ cost, settings }: Loaded) {
    const locale = getLocale();
    const money = (v: number) => formatMoney(v, cost.currency, locale);
    if (cost.withheld && cost.total.hours === 0) {
      return html`<section class="card withheld" aria-labelledby="cost-h">
        <h3 id="cost-h">${msg('cost.todayTitle')}</h3>
        <p>${msg('now.withheld')}</p>
      </section>`;
    }
    const t = cost.total;
    const colour = settings.tempo.today;
    return html`<section class="card" aria-labelledby="cost-h">
      <h3 id="cost-h">${msg('cost.todayTitle')}</h3>
      ${
        // just after midnight no hour of the day has been counted: no "≈ €0.00"
        t.hours === 0
          ? html`<p>${msg('history.noneYet')}</p>`
          : html`<p class="figure" data-testid="cost-today">≈ ${money(t.cost)}</p>`
      }
      ${
        // read from across the room: the figure, its CO2 and the day's colour; the details on Now
        t.hours === 0
          ? nothing
          : this.kiosk
            ? html`<p>${msg('cost.co2Short', { mass: formatMass(t.co2g, locale) })}</p>`
            : html`<p>
                ${msg('cost.breakdown', {
                  energy: money(t.energyCost),
                  standing: money(t.standingCost),
                  homes: plural('cost.homes', cost.homes),
                })}
              </p>
              <p class="muted">
                ${msg('cost.co2', { mass: formatMass(t.co2g, locale), factor: formatNumber(cost.gco2PerKwh, locale) })}
              </p>`
      }
      ${
        settings.tariff.model !== 'tempo'
          ? nothing
          : colour
            ? html`<p class=${colour === 'red' ? 'tempo-red' : ''} data-testid="tempo-today">
                ${msg('cost.tempoToday', { colour: msg(`tempo.${colour}` as MessageKey) })}
              </p>`
            : html`<p class="muted">${msg('cost.tempoUnknown')}</p>`
      }
      ${
        this.kiosk
          ? nothing
          : html`<p class="muted">
              ${msg('cost.estimate', { tariff: msg(`tariff.${settings.tariff.model}` as MessageKey) })}
            </p>`
      }
    </section>`;
  }

  override render() {
    return this.data.render((d) => this.renderCost(d));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-cost-today': CommunsCostToday;
  }
}
