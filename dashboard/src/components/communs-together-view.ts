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
      .stack {
        display: flex;
        flex-direction: column;
        gap: var(--communs-space-m);
      }
      /* the signal first, though written after the cards so that it can follow their state */
      communs-signal-light {
        order: -1;
      }
      .cards {
        margin: 0;
      }
      .cards:not(:has(> :not([hidden]))) {
        display: none;
      }
      /* the shared screen: the view over the whole height; the signal alone takes it all */
      :host([kiosk]),
      :host([kiosk]) .stack {
        height: 100%;
      }
      :host([kiosk]) .cards {
        flex: 1;
        min-height: 0;
      }
      :host([kiosk]) .cards:not(:has(> :not([hidden]))) ~ communs-signal-light {
        flex: 1;
      }
    `,
  ];

  /** large-type layout for the shared screen */
  @property({ type: Boolean, reflect: true }) kiosk = false;

  override render() {
    return html`<div class="stack">
      <div class="cards">
        <communs-challenge-card ?kiosk=${this.kiosk}></communs-challenge-card>
        <communs-production-card ?kiosk=${this.kiosk}></communs-production-card>
      </div>
      <communs-signal-light ?kiosk=${this.kiosk}></communs-signal-light>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-together-view': CommunsTogetherView;
  }
}
