import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import type { LiveState } from '../data/live.ts';
import { msg } from '../i18n/localize.ts';

/** The discreet mark that says whether figures are live or the screen is reconnecting. */
@customElement('communs-live-status')
export class CommunsLiveStatus extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: var(--communs-space-xs);
      font-size: var(--communs-text-s);
      color: var(--communs-ink-muted);
    }
    .dot {
      width: 0.7em;
      height: 0.7em;
      border-radius: 50%;
      background: var(--communs-ink-muted);
    }
    :host([state='live']) .dot {
      background: var(--communs-ok);
    }
    :host([state='reconnecting']) {
      color: var(--communs-warn);
    }
    :host([state='reconnecting']) .dot {
      background: var(--communs-warn);
    }
  `;

  @property({ reflect: true }) state: LiveState = 'connecting';

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  override render() {
    const text = msg(`live.${this.state}`);
    return html`<span class="dot" aria-hidden="true"></span><span role="status">${text}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-live-status': CommunsLiveStatus;
  }
}
