import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SensorInfo } from '../../../protocol/api.ts';
import { LiveController } from '../controllers/live-controller.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchNodes } from '../data/nodes.ts';
import { fetchSeries } from '../data/series.ts';
import { formatReading } from '../format/format-reading.ts';
import { formatRelativeTime } from '../format/format-relative-time.ts';
import { getLocale, type MessageKey, msg } from '../i18n/localize.ts';
import { airAdvice } from '../model/air-advice.ts';
import { isRoom, type Latest, placeVerdict } from '../model/air-verdict.ts';
import { groupPlaces, type Place } from '../model/places.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-air-status.ts';
import './communs-empty-hub.ts';
import './communs-live-status.ts';

const RECENT_MS = 3 * 3_600_000;

/** Per place: a verdict (good, air the room, too hot…), then each reading with plain-language advice. */
@customElement('communs-environment-view')
export class CommunsEnvironmentView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .place-head {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: center;
        gap: var(--communs-space-s);
        margin-bottom: var(--communs-space-s);
      }
      .place-head h3 {
        margin: 0;
      }
      dl {
        margin: 0;
        display: grid;
        grid-template-columns: auto 1fr;
        gap: var(--communs-space-xs) var(--communs-space-m);
        align-items: baseline;
      }
      dt {
        color: var(--communs-ink-muted);
      }
      dd {
        margin: 0;
        font-size: var(--communs-text-l);
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .when {
        font-size: var(--communs-text-s);
        font-weight: 400;
        color: var(--communs-ink-muted);
      }
      .advice {
        grid-column: 1 / -1;
        font-size: var(--communs-text-s);
        font-weight: 400;
        padding: var(--communs-space-xs) var(--communs-space-s);
        border-inline-start: 4px solid var(--communs-warn);
        background: var(--communs-warn-soft);
      }
      .advice.alert {
        border-color: var(--communs-danger);
        background: var(--communs-danger-soft);
      }
      /* the shared screen: the places share the whole height, figures in large type */
      :host([kiosk]) {
        display: flex;
        flex-direction: column;
        height: 100%;
      }
      :host([kiosk]) .cards {
        flex: 1;
        min-height: 0;
        margin: 0;
        grid-auto-rows: minmax(0, 1fr);
      }
      :host([kiosk]) dd {
        font-size: var(--communs-text-xl);
      }
      :host([kiosk]) dt {
        font-size: var(--communs-text-m);
      }
      :host([kiosk]) dd.advice {
        font-size: var(--communs-text-s);
      }
      :host([kiosk]) communs-air-status {
        font-size: var(--communs-text-m);
      }
    `,
  ];

  @property({ type: Boolean, reflect: true }) kiosk = false;
  /** latest value per series, from the first load and then from live readings */
  @state() private latest = new Map<string, Latest>();
  /** the hub has no node at all: say how to add one rather than "no place shares its sensors" */
  @state() private emptyHub = false;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly places = new LoadController<Place[]>(
    this,
    async (signal) => {
      const nodes = await fetchNodes(signal);
      this.emptyHub = nodes.length === 0;
      const places = groupPlaces(nodes);
      await this.loadLatest(
        places.flatMap((p) => p.sensors),
        signal,
      );
      return places;
    },
    { refreshMs: 10 * 60_000 },
  );

  private readonly liveCtl = new LiveController(this, {
    reading: (r) => {
      if (!this.latest.has(r.series) && !this.isShown(r.series)) return;
      this.latest = new Map(this.latest).set(r.series, { ts: r.ts, value: r.value });
    },
    reconnected: () => void this.places.run(),
  });

  private isShown(series: string): boolean {
    return (this.places.value ?? []).some((p) => p.sensors.some((s) => s.series === series));
  }

  // The latest readings come with the nodes (`last`); a sensor without one (the hub restarted since
  // its last reading) costs one small request for its recent series. A sensor the hub refuses is
  // simply shown without a value.
  private async loadLatest(all: SensorInfo[], signal: AbortSignal): Promise<void> {
    const now = Date.now();
    const next = new Map(this.latest);
    const keep = (series: string, l: Latest) => {
      const known = next.get(series);
      if (!known || known.ts < l.ts) next.set(series, l);
    };
    for (const s of all) if (s.last) keep(s.series, s.last);
    const sensors = all.filter((s) => !s.last);
    const results = await Promise.allSettled(
      sensors.map((s) =>
        fetchSeries({ sensor: s.series, from: now - RECENT_MS, to: now, step: 'minute' }, signal),
      ),
    );
    results.forEach((r, i) => {
      const series = sensors[i]?.series;
      if (r.status !== 'fulfilled' || !series) return;
      const ts = r.value.points.t.at(-1);
      const value = r.value.points.value.at(-1);
      if (ts !== undefined && value !== undefined) keep(series, { ts, value });
    });
    this.latest = next;
  }

  private renderSensor(s: SensorInfo, room: boolean) {
    const locale = getLocale();
    const latest = this.latest.get(s.series);
    const name = msg(`env.${s.quantity}` as MessageKey);
    const advice = latest ? airAdvice(s.quantity, latest.value, { room }) : null;
    return html`<dt>${s.label ?? name}</dt>
      <dd data-series=${s.series}>
        ${
          latest
            ? html`${formatReading(latest.value, s.unit, locale)}
                <span class="when">${this.kiosk ? nothing : formatRelativeTime(latest.ts, Date.now(), locale)}</span>`
            : html`<span class="muted">${msg('env.noReading')}</span>`
        }
      </dd>
      ${advice ? html`<dd class="advice ${advice.level}">${msg(advice.message)}</dd>` : nothing}`;
  }

  private renderPlaces(places: Place[]) {
    if (this.emptyHub) return html`<communs-empty-hub></communs-empty-hub>`;
    if (places.length === 0) return html`<p class="card">${msg('env.none')}</p>`;
    const now = Date.now();
    return html`<div class="cards">
      ${places.map((p, i) => {
        const verdict = placeVerdict(p.sensors, now, this.latest);
        const room = isRoom(p.sensors);
        return html`<section class="card" aria-labelledby="place-${i}" data-status=${verdict.status}>
          <div class="place-head">
            <h3 id="place-${i}">${p.name}</h3>
            <communs-air-status status=${verdict.status} level=${verdict.level}></communs-air-status>
          </div>
          <dl>${p.sensors.map((s) => this.renderSensor(s, room))}</dl>
        </section>`;
      })}
    </div>`;
  }

  override render() {
    return html`<div class="head">
        ${this.kiosk ? html`<span></span>` : html`<h2>${msg('env.title')}</h2>`}
        <communs-live-status state=${this.liveCtl.state}></communs-live-status>
      </div>
      ${this.kiosk ? nothing : html`<p class="muted">${msg('env.intro')}</p>`}
      ${this.places.render((p) => this.renderPlaces(p))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-environment-view': CommunsEnvironmentView;
  }
}
