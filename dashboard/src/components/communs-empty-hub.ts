import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { msg } from '../i18n/localize.ts';

// The commands are the console's own (docs/CONSOLE.md): the same in every language.
const HOUSEHOLD = 'household add maison-1 "Rue des Lilas 4" --sharing community';
const NODE = 'node add compteur-1 --household maison-1';
const AGENT = 'communs node --config compteur-1.json';

/**
 * What a hub without any sensor shows instead of empty cards: that this is expected, and how a
 * neighbourhood group adds the first sensor, in three steps on the console.
 */
@customElement('communs-empty-hub')
export class CommunsEmptyHub extends LitElement {
  static override styles = css`
    :host {
      display: block;
      background: var(--communs-card);
      border: 1px solid var(--communs-line);
      border-inline-start: 4px solid var(--communs-accent);
      border-radius: var(--communs-radius);
      padding: var(--communs-space-m);
      color: var(--communs-ink);
      margin-bottom: var(--communs-space-m);
    }
    h3 {
      font-size: var(--communs-text-l);
      margin: 0 0 var(--communs-space-s);
    }
    p,
    ol {
      margin: 0 0 var(--communs-space-s);
    }
    li {
      margin-bottom: var(--communs-space-xs);
    }
    code {
      font-family: var(--communs-font-mono);
      background: var(--communs-paper);
      padding: 0 0.25em;
      overflow-wrap: anywhere;
    }
    .muted {
      color: var(--communs-ink-muted);
    }
  `;

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  /** A sentence with one `{command}` placeholder, the command set as code. */
  private step(text: string, command: string) {
    const [before = '', after = ''] = text.split('{command}');
    return html`${before}<code>${command}</code>${after}`;
  }

  override render() {
    return html`<section aria-labelledby="empty-h">
      <h3 id="empty-h">${msg('empty.title')}</h3>
      <p>${msg('empty.intro')}</p>
      <ol>
        <li>${this.step(msg('empty.step1'), HOUSEHOLD)}</li>
        <li>${this.step(msg('empty.step2'), NODE)}</li>
        <li>${this.step(msg('empty.step3'), AGENT)}</li>
      </ol>
      <p class="muted">${msg('empty.after')}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-empty-hub': CommunsEmptyHub;
  }
}
