import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchNodes } from '../data/nodes.ts';
import { fetchSeries } from '../data/series.ts';
import { fetchSettings, type SettingsBody } from '../data/settings.ts';
import { formatEnergy } from '../format/format-energy.ts';
import { formatMoney } from '../format/format-money.ts';
import { formatNumber } from '../format/format-number.ts';
import { formatPercent } from '../format/format-percent.ts';
import { formatPower } from '../format/format-power.ts';
import { getLocale, msg, plural } from '../i18n/localize.ts';
import { computeFootprint, type Footprint } from '../model/footprint.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

const DAY = 86_400_000;

interface Loaded {
  settings: SettingsBody;
  footprint: Footprint;
  measuredDays: number;
}

/** What the system itself consumes against what it measures, in one sentence and its details. */
@customElement('communs-footprint-view')
export class CommunsFootprintView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .headline {
        font-size: var(--communs-text-l);
        font-weight: 700;
        line-height: 1.3;
      }
      ul {
        padding-inline-start: 1.2em;
      }
      /* the shared screen: the sentence and its details over the whole height, in large type */
      :host([kiosk]) {
        height: 100%;
      }
      :host([kiosk]) section.card {
        box-sizing: border-box;
        height: 100%;
        display: flex;
        flex-direction: column;
        justify-content: center;
        padding: 0 var(--communs-space-l);
      }
      :host([kiosk]) .headline {
        font-size: var(--communs-text-xl);
        margin-bottom: var(--communs-space-l);
      }
      :host([kiosk]) li {
        font-size: var(--communs-text-l);
        margin-bottom: var(--communs-space-s);
      }
    `,
  ];

  @property({ type: Boolean, reflect: true }) kiosk = false;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly data = new LoadController<Loaded>(
    this,
    async (signal) => {
      const now = Date.now();
      const [settings, nodes, energy] = await Promise.all([
        fetchSettings(signal),
        fetchNodes(signal),
        fetchSeries({ quantity: 'energy', from: now - 365 * DAY, to: now, step: 'day' }, signal),
      ]);
      const t = energy.points.t;
      const first = t[0];
      // The span actually covered by data: a young hub extrapolates from what it has.
      const spanMs = first === undefined ? 0 : now - first;
      const footprint = computeFootprint({
        hubPowerW: settings.hubPowerW,
        nodePowerW: nodes.map((n) => n.powerW),
        // the published days only: withheld ones are left out, never counted as zero
        measuredWh: energy.points.value.reduce((a, b) => a + b, 0),
        measuredSpanMs: spanMs,
        tariffPerKwh: settings.tariff.perKwh,
        dailyCharge: settings.tariff.dailyCharge,
        gridGco2PerKwh: settings.gridGco2PerKwh,
      });
      return { settings, footprint, measuredDays: Math.floor(spanMs / DAY) };
    },
    { refreshMs: 30 * 60_000 },
  );

  private renderFootprint({ settings, footprint: f, measuredDays }: Loaded) {
    const locale = getLocale();
    const money = (v: number) => formatMoney(v, settings.tariff.currency, locale);
    return html`<section class="card" aria-labelledby="fp-h">
      <h3 id="fp-h" class="visually-hidden">${msg('footprint.title')}</h3>
      <p class="headline" data-testid="footprint-headline">
        ${msg('footprint.headline', {
          energy: formatEnergy(f.systemKwhPerYear * 1000, locale),
          percent: f.share === null ? '—' : formatPercent(f.share, locale),
        })}
      </p>
      <ul>
        <li>${msg('footprint.hub', { power: formatPower(settings.hubPowerW, locale) })}</li>
        <li>${msg('footprint.nodes', { count: f.countedNodes, power: formatPower(f.nodesW, locale) })}</li>
        ${f.undeclaredNodes > 0 ? html`<li>${plural('footprint.undeclared', f.undeclaredNodes)}</li>` : ''}
        ${
          f.measuredKwhPerYear === null
            ? ''
            : html`<li>
              ${
                measuredDays < 1
                  ? msg('footprint.measuredShort', {
                      energy: formatEnergy(f.measuredKwhPerYear * 1000, locale),
                    })
                  : plural('footprint.measured', measuredDays, {
                      energy: formatEnergy(f.measuredKwhPerYear * 1000, locale),
                    })
              }
            </li>`
        }
        <li>${msg('footprint.cost', { cost: money(f.costPerYear), tariff: money(settings.tariff.perKwh) })}</li>
        <li>
          ${msg('footprint.co2', {
            mass: `${formatNumber(f.co2KgPerYear, locale, 1)}\u00a0kg`,
            factor: formatNumber(settings.gridGco2PerKwh, locale),
          })}
        </li>
      </ul>
      ${this.kiosk ? '' : html`<p class="muted">${msg('footprint.why')}</p>`}
    </section>`;
  }

  override render() {
    return html`${this.kiosk ? nothing : html`<h2>${msg('footprint.title')}</h2>`}
      ${this.data.render((d) => this.renderFootprint(d))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-footprint-view': CommunsFootprintView;
  }
}
