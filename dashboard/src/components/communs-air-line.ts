import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NodeInfo } from '../../../protocol/api.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { msg, plural } from '../i18n/localize.ts';
import { placeVerdict, summarizeAir } from '../model/air-verdict.ts';
import { groupPlaces } from '../model/places.ts';
import './communs-air-status.ts';

/**
 * The neighbourhood's air in one line, for Now and the shared screen: the places with a problem by
 * name with their verdict, the others counted ("Air: Salle des fêtes [air the room] · 2 other
 * places: good"). Reads the latest readings that /api/nodes carries; nothing when no place shares
 * an environment sensor.
 */
@customElement('communs-air-line')
export class CommunsAirLine extends LitElement {
  static override styles = css`
    :host {
      display: block;
      color: var(--communs-ink);
    }
    p {
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--communs-space-xs) var(--communs-space-m);
    }
    .title {
      font-weight: 700;
    }
    .place {
      display: inline-flex;
      align-items: center;
      gap: var(--communs-space-s);
    }
    .sep {
      color: var(--communs-ink-muted);
    }
    .muted {
      color: var(--communs-ink-muted);
    }
    a {
      color: var(--communs-accent);
    }
    .more {
      margin-inline-start: auto;
    }
    /* a phone: one place a line; the separators stay for screen readers only */
    @media (max-width: 40rem) {
      p {
        flex-direction: column;
        align-items: flex-start;
      }
      .sep {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
      }
      .more {
        margin-inline-start: 0;
      }
    }
  `;

  @property({ attribute: false }) nodes: readonly NodeInfo[] = [];
  /** the shared screen: no link (there is no pointer) */
  @property({ type: Boolean }) kiosk = false;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  override render() {
    const now = Date.now();
    const places = groupPlaces(this.nodes).map((p) => ({
      name: p.name,
      verdict: placeVerdict(p.sensors, now),
    }));
    if (places.length === 0) return nothing;
    const s = summarizeAir(places);
    const parts = [
      ...s.problems.map(
        (p) =>
          html`<span class="place" data-status=${p.verdict.status}
            >${p.name}
            <communs-air-status status=${p.verdict.status} level=${p.verdict.level}></communs-air-status
          ></span>`,
      ),
    ];
    if (s.problems.length === 0 && s.good > 0) {
      parts.push(
        html`<span class="place" data-status="good"
          ><communs-air-status status="good"></communs-air-status> ${plural('air.allGood', s.good)}</span
        >`,
      );
    } else if (s.good > 0) {
      parts.push(html`<span data-status="good">${plural('air.othersGood', s.good)}</span>`);
    }
    if (s.unknown > 0) parts.push(html`<span class="muted">${plural('air.unknownCount', s.unknown)}</span>`);
    return html`<p data-testid="air-line">
      <span class="title">${msg('air.title')}</span>
      ${parts.map((part, i) => (i === 0 ? part : html`<span class="sep"> · </span>${part}`))}
      ${this.kiosk ? nothing : html`<a class="more" href="/environment">${msg('air.more')}</a>`}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-air-line': CommunsAirLine;
  }
}
