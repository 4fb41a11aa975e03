import { css, html, LitElement, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { type MessageKey, msg } from '../i18n/localize.ts';
import type { AdviceLevel } from '../model/air-advice.ts';
import type { VerdictStatus } from '../model/air-verdict.ts';

// Drawn with the text's colour, so the icon follows the status colour and both themes; the words
// carry the meaning, the icon and the colour repeat it for a glance from across a room.
const ICONS: Record<VerdictStatus, ReturnType<typeof svg>> = {
  good: svg`<path d="M5 12.5l4.5 4.5L19 7.5" />`,
  air: svg`<path d="M3 8h10a3 3 0 1 0-3-3M3 12h15a3 3 0 1 1-3 3M3 16h7" />`,
  hot: svg`<path d="M10 4a2 2 0 0 1 4 0v10.3a4 4 0 1 1-4 0z" /><path d="M12 9v7" /><path d="M18 5l2-2M18 9h3" />`,
  cold: svg`<path d="M12 2v20M3.3 7l17.4 10M3.3 17l17.4-10" /><path d="M9 3.5l3 2.5 3-2.5M9 20.5l3-2.5 3 2.5" />`,
  particles: svg`<circle cx="6" cy="7" r="1.8" /><circle cx="14" cy="5" r="1.8" /><circle cx="18" cy="12" r="1.8" /><circle cx="9" cy="13" r="1.8" /><circle cx="6" cy="19" r="1.8" /><circle cx="15" cy="18" r="1.8" />`,
  unknown: svg`<path d="M7 12h10" />`,
};

/** A place's air verdict as a badge: icon, words and colour (good, air the room, too hot…). */
@customElement('communs-air-status')
export class CommunsAirStatus extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.3em;
      padding: 0.05em 0.55em 0.05em 0.35em;
      border-radius: 999px;
      border: 2px solid currentColor;
      font-weight: 700;
      white-space: nowrap;
      color: var(--communs-ok);
      background: var(--communs-card);
      line-height: 1.3;
    }
    :host([level='warn']) {
      color: var(--communs-warn);
      background: var(--communs-warn-soft);
    }
    :host([level='alert']) {
      color: var(--communs-danger);
      background: var(--communs-danger-soft);
    }
    :host([status='unknown']) {
      color: var(--communs-ink-muted);
      font-weight: 400;
    }
    svg {
      width: 1.1em;
      height: 1.1em;
      flex: none;
      fill: none;
      stroke: currentColor;
      stroke-width: 2.2;
      stroke-linecap: round;
      stroke-linejoin: round;
    }
    :host([status='particles']) circle {
      fill: currentColor;
      stroke: none;
    }
  `;

  @property({ reflect: true }) status: VerdictStatus = 'unknown';
  @property({ reflect: true }) level: AdviceLevel = 'ok';

  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  override render() {
    return html`<svg viewBox="0 0 24 24" aria-hidden="true">${ICONS[this.status]}</svg
      ><span>${msg(`air.${this.status}` as MessageKey)}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-air-status': CommunsAirStatus;
  }
}
