import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { getLocale, type Locale, msg, setLocale } from '../i18n/localize.ts';
import { LOCALES } from '../i18n/pick-locale.ts';

const NAMES: Readonly<Record<Locale, string>> = { en: 'English', fr: 'Français' };

/** Two buttons, each named in its own language so anyone finds theirs; the choice is remembered. */
@customElement('communs-lang-switch')
export class CommunsLangSwitch extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      gap: var(--communs-space-xs);
    }
    button {
      font: inherit;
      font-size: var(--communs-text-s);
      padding: var(--communs-space-xs) var(--communs-space-s);
      border: 1px solid var(--communs-line);
      border-radius: var(--communs-radius);
      background: var(--communs-card);
      color: var(--communs-ink);
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      background: var(--communs-accent);
      border-color: var(--communs-accent);
      color: var(--communs-accent-ink);
    }
    button:focus-visible {
      outline: 3px solid var(--communs-focus);
      outline-offset: 2px;
    }
  `;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private choose(locale: Locale): void {
    try {
      localStorage.setItem('communs.locale', locale);
    } catch {
      // storage may be disabled (kiosk profiles): the switch still works for this visit
    }
    setLocale(locale);
  }

  override render() {
    const current = getLocale();
    return html`<div role="group" aria-label=${msg('lang.label')}>
      ${LOCALES.map(
        (l) =>
          html`<button type="button" lang=${l} aria-pressed=${String(l === current)} @click=${() => this.choose(l)}>
            ${NAMES[l]}
          </button>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-lang-switch': CommunsLangSwitch;
  }
}
