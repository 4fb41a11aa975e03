import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { NodeInfo, SensorInfo, SeriesBody, SettingsBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { type CostBody, fetchCost } from '../data/cost.ts';
import { downloadText } from '../data/download.ts';
import { fetchHousehold, type HouseholdBody } from '../data/household.ts';
import { ApiError } from '../data/http.ts';
import { fetchSeries } from '../data/series.ts';
import { fetchSettings } from '../data/settings.ts';
import { formatTime, formatWeekday } from '../format/format-date-time.ts';
import { formatPeriod } from '../format/format-period.ts';
import { changeText, figuresText, totalText } from '../i18n/figures-text.ts';
import { getLocale, type MessageKey, msg, plural, quantityName } from '../i18n/localize.ts';
import { compareFigures } from '../model/change.ts';
import { energyBars } from '../model/energy-bars.ts';
import { type Period, periodContaining, periodKey, slotOf } from '../model/history-period.ts';
import { chooseStep } from '../model/history-range.ts';
import { csvFileName, seriesToCsv } from '../model/series-csv.ts';
import { compareWithTypicalDay } from '../model/typical-day.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import type { Bar } from './communs-bar-chart.ts';
import './communs-bar-chart.ts';
import './communs-chart.ts';

const DAY = 86_400_000;
const WEEKS = 4;
// Beside the one energy chart, the home's own environment; power is the same story as energy told
// minute by minute, and counters (pulses) and radio health are noise here.
const ENVIRONMENT = ['temperature', 'humidity', 'co2', 'pm25', 'pm10'];
const PERIODS = ['day', 'week', 'month'] as const;
type HomeRange = (typeof PERIODS)[number];

interface Loaded {
  body: HouseholdBody;
  settings: SettingsBody;
  /** hourly energy and cost of the last four weeks and today; null without an energy meter */
  hours: CostBody | null;
  others: Array<{ sensor: SensorInfo; data: SeriesBody | null }>;
}

interface PeriodLoaded {
  period: Period;
  mine: CostBody;
  neighbourhood: CostBody | null;
}

function energySensors(body: HouseholdBody): SensorInfo[] {
  return body.nodes.flatMap((n) => n.sensors).filter((s) => s.quantity === 'energy');
}

/** "Temperature", or "Temperature · Living room" when the sensor has its own name. */
function sensorName(s: SensorInfo): string {
  return s.label ? `${quantityName(s.quantity)} · ${s.label}` : quantityName(s.quantity);
}

/**
 * A household's own page, reached only through its capability link /h/<token>: today's energy and
 * its cost against the home's usual day, this day / week / month as bars with totals and the
 * neighbourhood's average home beside them (when 3 homes or more make it up), its other sensors, and
 * what it shares with whom in plain words. Everything private comes from requests carrying the token;
 * without a valid one the hub answers 404 and this view shows that sentence and nothing else.
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
      fieldset {
        border: 0;
        padding: 0;
        margin: 0 0 var(--communs-space-m);
        display: flex;
        flex-wrap: wrap;
        gap: var(--communs-space-xs);
      }
      .total {
        font-size: var(--communs-text-l);
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .others {
        display: grid;
        gap: var(--communs-space-m);
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
      }
    `,
  ];

  @property() token = '';
  @state() private range: HomeRange = 'week';
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  /** the household's answer, shared by the two loads below: one request, and none more for a refused link */
  private householdBody: Promise<HouseholdBody> | null = null;

  private household(signal: AbortSignal): Promise<HouseholdBody> {
    this.householdBody ??= fetchHousehold(this.token, signal);
    return this.householdBody;
  }

  private readonly data = new LoadController<Loaded>(
    this,
    async (signal) => {
      this.householdBody = null;
      const body = await this.household(signal);
      const now = Date.now();
      const midnight = periodContaining('day', now).start;
      const from = periodContaining('day', midnight - WEEKS * 7 * DAY + DAY / 2).start;
      // at most two points per pixel of this screen
      const step = chooseStep(DAY, window.innerWidth);
      const sensors = body.nodes.flatMap((n) => n.sensors).filter((s) => ENVIRONMENT.includes(s.quantity));
      const [settings, hours, ...results] = await Promise.all([
        fetchSettings(signal),
        energySensors(body).length === 0
          ? Promise.resolve(null)
          : fetchCost({ token: this.token, from, to: now, bucket: 'hour' }, signal),
        ...sensors.map((s) =>
          fetchSeries({ sensor: s.series, from: midnight, to: now, step, token: this.token }, signal).catch(
            () => null,
          ),
        ),
      ]);
      return {
        body,
        settings,
        hours,
        others: sensors.map((sensor, i) => ({ sensor, data: results[i] ?? null })),
      };
    },
    // A revoked link stays revoked: retrying every 15 s would only knock on a closed door.
    { retryMs: 0, refreshMs: 5 * 60_000 },
  );

  private readonly periodData = new LoadController<PeriodLoaded | null>(
    this,
    async (signal) => {
      if (energySensors(await this.household(signal)).length === 0) return null;
      const now = Date.now();
      const period = periodContaining(this.range, now);
      const [mine, neighbourhood] = await Promise.all([
        fetchCost(
          { token: this.token, from: period.start, to: period.end, bucket: slotOf(period.range) },
          signal,
        ),
        // the neighbourhood's figure is public: asked for without the token
        fetchCost({ collective: true, from: period.start, to: now, bucket: 'none' }, signal).catch(
          () => null,
        ),
      ]);
      return { period, mine, neighbourhood };
    },
    { retryMs: 0, refreshMs: 5 * 60_000 },
  );

  private choose(range: HomeRange): void {
    this.range = range;
    void this.periodData.run();
  }

  private renderToday(hours: CostBody) {
    const locale = getLocale();
    const now = Date.now();
    const { t, wh, cost } = hours.buckets;
    const energy = compareWithTypicalDay(t, wh, now, WEEKS);
    const money = compareWithTypicalDay(t, cost, now, WEEKS);
    const change = compareFigures(energy.comparedWh, energy.typicalWh);
    return html`<section class="card" aria-labelledby="today-h">
      <h3 id="today-h">${msg('household.todayTitle')}</h3>
      <p class="figure" data-testid="household-today">
        ${figuresText({ wh: energy.todayWh, cost: money.todayWh }, hours.currency)}
      </p>
      ${
        // just after midnight no hour has ended yet: nothing to compare, and no "not enough weeks"
        energy.early
          ? nothing
          : energy.typicalWh === null || money.typicalWh === null
            ? html`<p class="muted">${msg('household.typicalNone')}</p>`
            : html`<p>
              ${msg('household.typical', {
                weekday: formatWeekday(now, locale),
                time: formatTime(energy.through, locale),
                figures: figuresText({ wh: energy.typicalWh, cost: money.typicalWh }, hours.currency),
              })}${change ? html` — <strong>${changeText(change)}</strong>` : nothing}
            </p>`
      }
    </section>`;
  }

  private bars(d: PeriodLoaded): Bar[] {
    return energyBars(d.period, d.mine.buckets, d.mine.currency, getLocale(), Date.now());
  }

  private renderNeighbourhood(d: PeriodLoaded) {
    const n = d.neighbourhood;
    if (!n || n.homes < 3 || (n.withheld && n.total.hours === 0))
      return html`<p class="muted">${msg('household.neighbourhoodWithheld')}</p>`;
    const perHome = { wh: n.total.wh / n.homes, cost: n.total.cost / n.homes };
    const change = compareFigures(d.mine.total.hours > 0 ? d.mine.total.wh : null, perHome.wh);
    return html`<p data-testid="household-vs-neighbourhood">
      ${msg('household.neighbourhood', { figures: figuresText(perHome, n.currency) })}${
        change ? html` — <strong>${changeText(change, 'you')}</strong>` : nothing
      }
    </p>`;
  }

  private download(d: PeriodLoaded): void {
    const b = d.mine.buckets;
    downloadText(
      csvFileName('household', d.period.range, periodKey(d.period)),
      seriesToCsv({
        series: 'household',
        unit: 'kWh',
        t: b.t,
        value: b.wh.map((wh) => wh / 1000),
        cost: { values: b.cost, currency: d.mine.currency },
      }),
    );
  }

  private renderEnergy() {
    const unit = { hour: 'unit.perHour', day: 'unit.perDay', month: 'unit.perMonth' } as const;
    return html`<section class="card" aria-labelledby="energy-h">
      <h3 id="energy-h">${msg('household.energyTitle')}</h3>
      <fieldset>
        <legend class="visually-hidden">${msg('history.range')}</legend>
        ${PERIODS.map(
          (r) =>
            html`<button type="button" aria-pressed=${String(r === this.range)} @click=${() => this.choose(r)}>
              ${msg(`history.latest.${r}` as MessageKey)}
            </button>`,
        )}
      </fieldset>
      ${this.periodData.render((d) =>
        d === null
          ? nothing
          : html`<p class="total" data-testid="household-total">
            ${totalText(d.mine.total, d.mine.currency, true)}
          </p>
          <communs-bar-chart
            .bars=${this.bars(d)}
            unit=${msg(unit[slotOf(d.period.range)], { unit: 'kWh' })}
            symbol="kWh"
            label=${`${msg('household.energyTitle')}, ${formatPeriod(d.period, getLocale())}`}
          ></communs-bar-chart>
          ${this.renderNeighbourhood(d)}
          <p class="muted">${msg('cost.estimateShort')}</p>
          <p><button type="button" @click=${() => this.download(d)}>${msg('history.download')}</button></p>`,
      )}
    </section>`;
  }

  private renderOthers(others: Loaded['others']) {
    const shown = others.filter((o) => o.data && o.data.points.t.length > 0);
    if (shown.length === 0) return nothing;
    return html`<section aria-labelledby="others-h">
      <h3 id="others-h">${msg('household.otherSensors')}</h3>
      <div class="others">
        ${shown.map(({ sensor, data }) => {
          const label = sensorName(sensor);
          return html`<section class="card" aria-label=${label}>
            <h4>${label}</h4>
            <communs-chart
              .t=${data?.points.t ?? []}
              .values=${data?.points.value ?? []}
              unit=${sensor.unit}
              label=${label}
            ></communs-chart>
          </section>`;
        })}
      </div>
    </section>`;
  }

  private renderSharing(body: HouseholdBody, settings: SettingsBody) {
    const list = new Intl.ListFormat(getLocale(), { type: 'conjunction' });
    const sensors = body.nodes.map(
      (n: NodeInfo) => `${n.name} (${list.format(n.sensors.map((s) => sensorName(s).toLocaleLowerCase()))})`,
    );
    const level = body.household.sharing;
    return html`<section class="card" aria-labelledby="share-h" data-testid="household-sharing">
      <h3 id="share-h">${msg('household.shareTitle')}</h3>
      <p><strong>${msg('household.sharing', { level: msg(`sharing.${level}`) })}.</strong> ${msg(`household.share.${level}`)}</p>
      ${sensors.length > 0 ? html`<p>${msg('household.sensorsList', { list: list.format(sensors) })}</p>` : nothing}
      <p>${msg('household.kept', { days: plural('register.days', settings.rawRetentionDays) })}</p>
      <p class="muted">${msg('household.change')}</p>
    </section>`;
  }

  private renderHousehold({ body, settings, hours, others }: Loaded) {
    return html`<h2>${msg('household.title', { name: body.household.name })}</h2>
      <p class="private">${msg('household.private')}</p>
      ${
        hours === null
          ? html`<p class="card">${msg('household.noMeter')}</p>`
          : html`${this.renderToday(hours)} ${this.renderEnergy()}`
      }
      ${this.renderOthers(others)} ${this.renderSharing(body, settings)}`;
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
