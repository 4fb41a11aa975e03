import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-challenge-card.ts';
import './communs-production-card.ts';
import './communs-signal-light.ts';

/**
 * Acting together, on one page of the shared screen (docs/COLLECTIVE.md): the neighbourhood's
 * signal in large type, a challenge's live progress or its result, and local production with its
 * shares. The challenge and production cards take no room when there is nothing to show.
 */
@customElement('communs-together-view')
export class CommunsTogetherView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      communs-signal-light {
        margin-bottom: var(--communs-space-m);
      }
    `,
  ];

  /** large-type layout for the shared screen */
  @property({ type: Boolean, reflect: true }) kiosk = false;

  override render() {
    return html`<communs-signal-light ?kiosk=${this.kiosk}></communs-signal-light>
      <div class="cards">
        <communs-challenge-card ?kiosk=${this.kiosk}></communs-challenge-card>
        <communs-production-card ?kiosk=${this.kiosk}></communs-production-card>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-together-view': CommunsTogetherView;
  }
}
