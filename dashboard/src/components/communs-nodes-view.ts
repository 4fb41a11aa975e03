import { css, html, LitElement, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { NodeInfo } from '../../../protocol/api.ts';
import { LiveController } from '../controllers/live-controller.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { MediaController, NARROW } from '../controllers/media-controller.ts';
import { fetchNodes } from '../data/nodes.ts';
import { formatClockOffset } from '../format/format-clock-offset.ts';
import { formatNumber } from '../format/format-number.ts';
import { formatReading } from '../format/format-reading.ts';
import { formatRelativeTime } from '../format/format-relative-time.ts';
import { getLocale, msg } from '../i18n/localize.ts';
import { orderForRepair } from '../model/node-order.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-empty-hub.ts';
import './communs-live-status.ts';

/** Node health for the people who fix sensors: state, last seen, accepted and rejected readings, clock. */
@customElement('communs-nodes-view')
export class CommunsNodesView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .state {
        font-weight: 700;
        white-space: nowrap;
      }
      .state.online {
        color: var(--communs-ok);
      }
      .state.late {
        color: var(--communs-warn);
      }
      .state.offline,
      .state.never {
        color: var(--communs-danger);
      }
      code {
        font-family: var(--communs-font-mono);
      }
      /* a phone: one card per node, every field readable without scrolling sideways */
      .entries {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .entry h3 {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: var(--communs-space-xs) var(--communs-space-s);
        font-size: var(--communs-text-m);
      }
      .entry dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: var(--communs-space-xs) var(--communs-space-s);
        margin: 0;
        font-size: var(--communs-text-s);
      }
      .entry dt {
        color: var(--communs-ink-muted);
      }
      .entry dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
    `,
  ];

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private readonly nodes = new LoadController<NodeInfo[]>(this, fetchNodes, { refreshMs: 60_000 });
  private readonly narrow = new MediaController(this, NARROW);
  private clock: ReturnType<typeof setInterval> | null = null;

  private readonly liveCtl = new LiveController(this, {
    node: (e) => {
      const nodes = this.nodes.value;
      if (!nodes?.some((n) => n.id === e.id)) return void this.nodes.run();
      this.nodes.value = nodes.map((n) => (n.id === e.id ? { ...n, ...e } : n));
      this.requestUpdate();
    },
    reconnected: () => void this.nodes.run(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // "3 minutes ago" must keep ageing even when nothing arrives: that silence is the news.
    this.clock = setInterval(() => this.requestUpdate(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.clock) clearInterval(this.clock);
  }

  private renderRow(n: NodeInfo, now: number) {
    const locale = getLocale();
    const last = n.lastRejections.at(-1);
    const signal = [
      n.rssi === null ? null : formatReading(n.rssi, 'dBm', locale),
      n.battery === null ? null : formatReading(n.battery, '%', locale),
    ].filter((s) => s !== null);
    return html`<tr data-node=${n.id}>
      <th scope="row">
        <code>${n.id}</code>${n.name !== n.id ? html`<br />${n.name}` : nothing}
        ${n.demo ? html`<span class="muted"> (${msg('nodes.demo')})</span>` : nothing}
      </th>
      <td>${n.household?.name ?? html`<span class="muted">${msg('nodes.private')}</span>`}</td>
      <td><span class="state ${n.state}">${msg(`state.${n.state}`)}</span></td>
      <td>${n.lastSeen === null ? msg('nodes.never') : formatRelativeTime(n.lastSeen, now, locale)}</td>
      <td class="num">${formatNumber(n.accepted, locale)}</td>
      <td class="num">${formatNumber(n.rejected, locale)}</td>
      <td>${last ? html`<code>${last.reason}</code> ${last.detail}` : '—'}</td>
      <td>${signal.length ? signal.join(' · ') : '—'}</td>
      <td class="clock">${formatClockOffset(n.clockOffsetMs, locale) ?? '—'}</td>
    </tr>`;
  }

  /** The same fields as a table row, as a card: a phone shows them all without scrolling sideways. */
  private renderCard(n: NodeInfo, now: number) {
    const locale = getLocale();
    const last = n.lastRejections.at(-1);
    const signal = [
      n.rssi === null ? null : formatReading(n.rssi, 'dBm', locale),
      n.battery === null ? null : formatReading(n.battery, '%', locale),
    ].filter((s) => s !== null);
    return html`<li class="card entry" data-testid="entry" data-node=${n.id}>
      <h3>
        <span
          ><code>${n.id}</code>${n.name !== n.id ? html` · ${n.name}` : nothing}
          ${n.demo ? html`<span class="muted"> (${msg('nodes.demo')})</span>` : nothing}</span
        >
        <span class="state ${n.state}">${msg(`state.${n.state}`)}</span>
      </h3>
      <dl>
        <dt>${msg('nodes.place')}</dt>
        <dd>${n.household?.name ?? html`<span class="muted">${msg('nodes.private')}</span>`}</dd>
        <dt>${msg('nodes.lastSeen')}</dt>
        <dd>${n.lastSeen === null ? msg('nodes.never') : formatRelativeTime(n.lastSeen, now, locale)}</dd>
        <dt>${msg('nodes.accepted')}</dt>
        <dd>${formatNumber(n.accepted, locale)}</dd>
        <dt>${msg('nodes.rejected')}</dt>
        <dd>${formatNumber(n.rejected, locale)}</dd>
        ${last ? html`<dt>${msg('nodes.lastRejection')}</dt><dd><code>${last.reason}</code> ${last.detail}</dd>` : nothing}
        ${signal.length ? html`<dt>${msg('nodes.signal')}</dt><dd>${signal.join(' · ')}</dd>` : nothing}
      </dl>
    </li>`;
  }

  private renderTable(nodes: NodeInfo[]) {
    if (nodes.length === 0) return html`<communs-empty-hub></communs-empty-hub>`;
    const now = Date.now();
    if (this.narrow.matches) {
      return html`<ul class="entries" aria-label=${msg('nodes.title')}>
        ${orderForRepair(nodes).map((n) => this.renderCard(n, now))}
      </ul>`;
    }
    // wider than a phone but narrower than the table: the table scrolls, and the keyboard can reach it
    return html`<div class="table-wrap card" tabindex="0" role="region" aria-label=${msg('nodes.title')}>
      <table>
        <caption class="visually-hidden">${msg('nodes.title')}</caption>
        <thead>
          <tr>
            <th scope="col">${msg('nodes.node')}</th>
            <th scope="col">${msg('nodes.place')}</th>
            <th scope="col">${msg('nodes.state')}</th>
            <th scope="col">${msg('nodes.lastSeen')}</th>
            <th scope="col" class="num">${msg('nodes.accepted')}</th>
            <th scope="col" class="num">${msg('nodes.rejected')}</th>
            <th scope="col">${msg('nodes.lastRejection')}</th>
            <th scope="col">${msg('nodes.signal')}</th>
            <th scope="col">${msg('nodes.clock')}</th>
          </tr>
        </thead>
        <tbody>
          ${orderForRepair(nodes).map((n) => this.renderRow(n, now))}
        </tbody>
      </table>
    </div>`;
  }

  override render() {
    return html`<div class="head">
        <h2>${msg('nodes.title')}</h2>
        <communs-live-status state=${this.liveCtl.state}></communs-live-status>
      </div>
      <p class="muted">${msg('nodes.intro')}</p>
      ${this.nodes.render((n) => this.renderTable(n))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-nodes-view': CommunsNodesView;
  }
}
