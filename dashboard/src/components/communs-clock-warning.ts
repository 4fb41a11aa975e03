import { css, html, LitElement, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { HealthBody } from '../../../protocol/api.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchHealth } from '../data/health.ts';
import { msg } from '../i18n/localize.ts';

/**
 * A banner while the hub does not trust its clock (a Raspberry Pi offline boots at the last time it
 * saved): readings are held, so the figures stop moving, and people should know why.
 */
@customElement('communs-clock-warning')
export class CommunsClockWarning extends LitElement {
  static override styles = css`
    p {
      margin: 0 0 var(--communs-space-m);
      padding: var(--communs-space-s) var(--communs-space-m);
      border: 2px solid var(--communs-warn);
      border-radius: var(--communs-radius);
      background: var(--communs-card);
      color: var(--communs-ink);
      font-size: var(--communs-text-m);
    }
  `;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);
  private readonly health = new LoadController<HealthBody>(this, fetchHealth, { refreshMs: 30_000 });

  override render() {
    const h = this.health.value;
    if (!h || h.clockTrusted) return nothing;
    return html`<p role="status">${msg('clock.untrusted')}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-clock-warning': CommunsClockWarning;
  }
}
