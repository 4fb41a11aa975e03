import { css, html, LitElement, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { RegisterBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { MediaController, NARROW } from '../controllers/media-controller.ts';
import { fetchRegister, OPEN_DATA_CSV_URL } from '../data/register.ts';
import { msg, plural, quantityName } from '../i18n/localize.ts';
import { groupRegister, type RegisterLevel, sameLines } from '../model/register-groups.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-empty-hub.ts';

/** The transparency register: every sensor, what it measures, for whom, kept how long, seen by whom. */
@customElement('communs-register-view')
export class CommunsRegisterView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .promise {
        font-size: var(--communs-text-l);
        font-weight: 700;
        color: var(--communs-accent);
      }
      code {
        font-family: var(--communs-font-mono);
      }
      /* a phone: one card per sharing level, its households and their sensors under what applies to all */
      .entries {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .level dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: var(--communs-space-xs) var(--communs-space-s);
        margin: 0 0 var(--communs-space-s);
        font-size: var(--communs-text-s);
      }
      .level dt {
        color: var(--communs-ink-muted);
      }
      .level dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .level .wide {
        grid-column: 1 / -1;
      }
      .nodes {
        margin: 0;
        font-size: var(--communs-text-s);
      }
      .entries > li {
        border-top: 1px solid var(--communs-line);
        padding: var(--communs-space-xs) 0;
      }
      h4 {
        margin: 0;
        font-size: var(--communs-text-m);
      }
      .entries ul {
        margin: 0;
        padding-inline-start: 1.2em;
        font-size: var(--communs-text-s);
      }
      .entries code {
        color: var(--communs-ink-muted);
        overflow-wrap: anywhere;
      }
    `,
  ];

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private readonly register = new LoadController<RegisterBody>(this, fetchRegister);
  private readonly narrow = new MediaController(this, NARROW);

  /** A phone: what follows from the sharing level once, then its households and their sensors. */
  private renderLevel(level: RegisterLevel) {
    const id = `level-${level.sharing}`;
    return html`<section class="card level" aria-labelledby=${id}>
      <h3 id=${id}>${msg('register.levelTitle', { level: msg(`sharing.${level.sharing}`) })}</h3>
      <dl>
        <dt class="wide">${msg('register.visibleTo')}</dt>
        <dd class="wide">${msg(`register.visible.${level.sharing}`)}</dd>
        <dt>${msg('register.kept')}</dt>
        <dd>${plural('register.days', level.rawRetentionDays)}</dd>
        <dt>${msg('register.openData')}</dt>
        <dd>${level.inOpenData ? msg('register.yes') : msg('register.no')}</dd>
      </dl>
      <ul class="entries">
        ${level.households.map(
          (h) => html`<li data-testid="entry">
            <h4>${h.household ?? msg('register.unnamed')}</h4>
            ${h.nodes.length > 0 ? html`<p class="nodes"><code>${h.nodes.join(', ')}</code></p>` : nothing}
            <ul aria-label=${msg('register.measures')}>
              ${sameLines(h.entries).map(
                ({ entry: e, count }) =>
                  html`<li>${e.label ?? quantityName(e.quantity)} (${e.unit})${e.sensor === null ? nothing : html` <code>${e.sensor}</code>`}${count > 1 ? html` <span class="muted">· ${plural('now.sensors', count)}</span>` : nothing}</li>`,
              )}
            </ul>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  private renderRegister(body: RegisterBody) {
    return html`
      <p class="muted">${msg('register.statement')}</p>
      ${
        body.entries.length === 0
          ? html`<communs-empty-hub></communs-empty-hub>`
          : this.narrow.matches
            ? groupRegister(body.entries).map((l) => this.renderLevel(l))
            : html`<div class="table-wrap card" tabindex="0" role="region" aria-label=${msg('register.title')}>
            <table>
              <caption class="visually-hidden">${msg('register.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">${msg('register.series')}</th>
                  <th scope="col">${msg('register.measures')}</th>
                  <th scope="col">${msg('register.household')}</th>
                  <th scope="col">${msg('register.sharing')}</th>
                  <th scope="col">${msg('register.kept')}</th>
                  <th scope="col">${msg('register.visibleTo')}</th>
                  <th scope="col">${msg('register.openData')}</th>
                </tr>
              </thead>
              <tbody>
                ${body.entries.map(
                  (e) => html`<tr>
                    <th scope="row">${e.series === null ? html`<span class="muted">${msg('register.privateSensor')}</span>` : html`<code>${e.series}</code>`}</th>
                    <td>${e.label ?? quantityName(e.quantity)} (${e.unit})</td>
                    <td>${e.household ?? html`<span class="muted">${msg('nodes.private')}</span>`}</td>
                    <td>${msg(`sharing.${e.sharing}`)}</td>
                    <td>${plural('register.days', e.rawRetentionDays)}</td>
                    <td>${msg(`register.visible.${e.sharing}`)}</td>
                    <td>${e.inOpenData ? msg('register.yes') : msg('register.no')}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }
    `;
  }

  override render() {
    return html`<h2>${msg('register.title')}</h2>
      <p class="promise">${msg('register.never')}</p>
      <p>${msg('register.intro')}</p>
      <p><a href="/api/privacy" data-testid="privacy-link">${msg('register.privacy')}</a></p>
      <p><a class="button" href=${OPEN_DATA_CSV_URL} download>${msg('register.export')}</a></p>
      ${this.register.render((b) => this.renderRegister(b))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-register-view': CommunsRegisterView;
  }
}
