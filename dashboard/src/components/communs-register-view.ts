import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { RegisterBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchRegister, OPEN_DATA_CSV_URL } from '../data/register.ts';
import { msg, plural, quantityName } from '../i18n/localize.ts';
import { sharedStyles } from '../styles/shared-styles.ts';

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
    `,
  ];

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private readonly register = new LoadController<RegisterBody>(this, fetchRegister);

  private renderRegister(body: RegisterBody) {
    return html`
      <p class="muted">${body.statement}</p>
      ${
        body.entries.length === 0
          ? html`<p class="card">${msg('register.none')}</p>`
          : html`<div class="table-wrap card">
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
                    <td>${e.visibleTo}</td>
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
