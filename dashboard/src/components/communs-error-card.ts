import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { ApiError } from '../data/http.ts';
import { msg } from '../i18n/localize.ts';

/**
 * What a broken card shows instead of going blank: what failed, in words, and a way to retry. On
 * the shared screen (`unattended`) no one can press a button: it says, quietly, that the screen
 * reconnects by itself (the load retries on its own, see LoadController).
 */
@customElement('communs-error-card')
export class CommunsErrorCard extends LitElement {
  static override styles = css`
    :host {
      display: block;
      border: 2px solid var(--communs-danger);
      background: var(--communs-danger-soft);
      color: var(--communs-ink);
      border-radius: var(--communs-radius);
      padding: var(--communs-space-m);
      font-size: var(--communs-text-m);
    }
    strong {
      display: block;
      color: var(--communs-danger);
      margin-bottom: var(--communs-space-xs);
    }
    p {
      margin: 0 0 var(--communs-space-s);
    }
    button {
      font: inherit;
      font-size: var(--communs-text-s);
      padding: var(--communs-space-xs) var(--communs-space-m);
      border: 1px solid var(--communs-ink);
      border-radius: var(--communs-radius);
      background: var(--communs-card);
      color: var(--communs-ink);
      cursor: pointer;
    }
    button:focus-visible {
      outline: 3px solid var(--communs-focus);
    }
    :host([unattended]) {
      border: 1px dashed var(--communs-line);
      background: transparent;
      color: var(--communs-ink-muted);
    }
  `;

  /** The error to explain; an ApiError carries the hub's own one-line reason. */
  @property({ attribute: false }) error: unknown;
  /** Overrides the explanation (e.g. a revoked private link has its own sentence). */
  @property() message = '';
  /** the shared screen: no button, no alarm, "reconnecting by itself" */
  @property({ type: Boolean, reflect: true }) unattended = false;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private explain(): string {
    if (this.message) return this.message;
    const err = this.error;
    if (err instanceof ApiError) {
      if (err.status === 0) return msg('error.network');
      return err.status === 404 || err.status === 400
        ? err.message
        : msg('error.unexpected', { detail: err.message });
    }
    return msg('error.unexpected', { detail: err instanceof Error ? err.message : String(err) });
  }

  override render() {
    if (this.unattended) return html`<p>${msg('error.unattended')}</p>`;
    return html`<div role="alert">
      <strong>${msg('error.title')}</strong>
      <p>${this.explain()}</p>
      <button type="button" @click=${() => this.dispatchEvent(new Event('retry'))}>${msg('error.retry')}</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-error-card': CommunsErrorCard;
  }
}
