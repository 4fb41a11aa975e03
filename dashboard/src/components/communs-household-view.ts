import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SensorInfo, SeriesBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchHousehold, type HouseholdBody } from '../data/household.ts';
import { ApiError } from '../data/http.ts';
import { fetchSeries } from '../data/series.ts';
import { msg, quantityName } from '../i18n/localize.ts';
import { chooseStep } from '../model/history-range.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-chart.ts';

const DAY = 86_400_000;
// Quantities worth a chart in a home's own view; counters (pulses) and radio health are noise here.
const CHARTED = ['power', 'energy', 'temperature', 'humidity', 'co2', 'pm25', 'pm10'];

interface Loaded {
  body: HouseholdBody;
  series: Array<{ sensor: SensorInfo; data: SeriesBody | null }>;
}

/**
 * A household's own detail, reached only through its capability link /h/<token>. Everything shown
 * comes from requests carrying the token; without a valid one the hub answers 404 and this view
 * shows that sentence and nothing else.
 */
@customElement('communs-household-view')
export class CommunsHouseholdView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .denied {
        border-inline-start: 4px solid var(--communs-warn);
      }
      .private {
        border-inline-start: 4px solid var(--communs-accent);
        padding-inline-start: var(--communs-space-s);
      }
    `,
  ];

  @property() token = '';
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly data = new LoadController<Loaded>(
    this,
    async (signal) => {
      const body = await fetchHousehold(this.token, signal);
      const now = Date.now();
      // at most two points per pixel of this screen
      const step = chooseStep(DAY, window.innerWidth);
      const sensors = body.nodes.flatMap((n) => n.sensors).filter((s) => CHARTED.includes(s.quantity));
      const results = await Promise.allSettled(
        sensors.map((s) =>
          fetchSeries({ sensor: s.series, from: now - DAY, to: now, step, token: this.token }, signal),
        ),
      );
      return {
        body,
        series: sensors.map((sensor, i) => {
          const r = results[i];
          return { sensor, data: r?.status === 'fulfilled' ? r.value : null };
        }),
      };
    },
    // A revoked link stays revoked: retrying every 15 s would only knock on a closed door.
    { retryMs: 0, refreshMs: 5 * 60_000 },
  );

  private renderHousehold({ body, series }: Loaded) {
    const shown = series.filter((s) => s.data && s.data.points.t.length > 0);
    return html`<h2>${msg('household.title', { name: body.household.name })}</h2>
      <p class="private">${msg('household.private')}</p>
      <p class="muted">${msg('household.sharing', { level: msg(`sharing.${body.household.sharing}`) })}</p>
      ${shown.length === 0 ? html`<p class="card">${msg('household.noSeries')}</p>` : nothing}
      ${shown.map(({ sensor, data }) => {
        const label = sensor.label ?? quantityName(sensor.quantity);
        return html`<section class="card" aria-label=${label}>
          <h3>${label} <span class="muted">(${sensor.series})</span></h3>
          <communs-chart
            .t=${data?.points.t ?? []}
            .values=${data?.points.value ?? []}
            unit=${sensor.unit}
            label=${label}
            kind=${sensor.quantity === 'energy' ? 'bars' : 'line'}
          ></communs-chart>
        </section>`;
      })}`;
  }

  override render() {
    const err = this.data.error;
    if (this.data.value === undefined && err instanceof ApiError && err.status === 404) {
      // said plainly, with no retry button: the link will not open again
      return html`<h2>${msg('household.deniedTitle')}</h2>
        <p class="card denied" data-testid="household-denied">${msg('household.denied')}</p>`;
    }
    return this.data.render((d) => this.renderHousehold(d));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-household-view': CommunsHouseholdView;
  }
}
