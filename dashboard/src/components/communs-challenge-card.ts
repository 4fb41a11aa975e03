import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ChallengeFigures } from '../../../protocol/challenge.ts';
import { LoadController } from '../controllers/load-controller.ts';
import { LocaleController } from '../controllers/locale-controller.ts';
import { type ChallengeView, fetchChallenges } from '../data/challenges.ts';
import { formatEnergy } from '../format/format-energy.ts';
import { formatMass } from '../format/format-mass.ts';
import { formatMoney } from '../format/format-money.ts';
import { formatChange } from '../format/format-percent.ts';
import { formatPower } from '../format/format-power.ts';
import { getLocale, msg, plural } from '../i18n/localize.ts';
import { featuredChallenge, targetProgress } from '../model/featured-challenge.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import { styleProps } from '../styles/style-props.ts';

/**
 * A collective challenge (docs/COLLECTIVE.md, "Challenges"): while it runs, the neighbourhood's
 * progress against its target; once over, its result for a day; before it, when it is. Nothing at
 * all when no challenge is near, so Now and the shared screen stay as they were.
 */
@customElement('communs-challenge-card')
export class CommunsChallengeCard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host([hidden]) {
        display: none;
      }
      .state {
        font-weight: 700;
        color: var(--communs-accent);
        margin-bottom: var(--communs-space-xs);
      }
      .met {
        border-color: var(--communs-ok);
        background: var(--communs-accent-soft);
      }
      .bar {
        height: 1rem;
        border: 2px solid var(--communs-ink);
        border-radius: var(--communs-radius);
        overflow: hidden;
        margin-bottom: var(--communs-space-s);
      }
      .bar span {
        display: block;
        height: 100%;
        width: var(--progress, 0%);
        background: var(--communs-accent);
      }
      :host([kiosk]) .bar {
        height: 3vh;
      }
      .withheld {
        border-color: var(--communs-warn);
        background: var(--communs-warn-soft);
      }
      /* on the shared screen the card fills the room its view gives it */
      :host([kiosk]) .card {
        height: 100%;
        box-sizing: border-box;
      }
    `,
  ];

  /** the shared screen: larger, fewer words */
  @property({ type: Boolean, reflect: true }) kiosk = false;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  // During a window the figures move each minute; otherwise the next state comes within minutes.
  private readonly challenges = new LoadController<ChallengeView[]>(this, fetchChallenges, {
    refreshMs: 60_000,
  });

  private dateText(date: string, options: Intl.DateTimeFormatOptions): string {
    // the challenge's date is the hub's local date: read it as a calendar date, not an instant
    return new Intl.DateTimeFormat(getLocale(), { ...options, timeZone: 'UTC' }).format(
      Date.parse(`${date}T12:00:00Z`),
    );
  }

  private windowLine(c: ChallengeView): string {
    const locale = getLocale();
    return msg('challenge.window', {
      date: this.dateText(c.date, { weekday: 'long', day: 'numeric', month: 'long' }),
      from: c.from,
      to: c.to,
      target: formatChange(c.targetPct / 100, locale),
      weekday: this.dateText(c.date, { weekday: 'long' }),
    });
  }

  private resultLine(f: ChallengeFigures): string {
    const locale = getLocale();
    const change = formatChange(f.changePct / 100, locale);
    if (f.savedWh < 0)
      return msg('challenge.resultMore', { change, energy: formatEnergy(-f.savedWh, locale) });
    return msg('challenge.result', {
      change,
      energy: formatEnergy(f.savedWh, locale),
      cost: formatMoney(f.savedCost, f.currency, locale),
      co2: formatMass(f.savedCo2g, locale),
    });
  }

  private renderFigures(c: ChallengeView) {
    const locale = getLocale();
    const f = c.figures;
    if (!f) {
      if (c.state === 'upcoming') return nothing;
      if (c.withheld === undefined)
        return html`<p data-testid="challenge-first-hour">${msg('challenge.firstHour')}</p>
          ${this.renderNow(c)}`;
      return html`<p data-testid="challenge-withheld">
        ${msg(c.baseline ? 'challenge.withheld' : 'challenge.noBaseline')}
      </p>`;
    }
    if (c.state === 'done') {
      return html`<p class="figure" data-testid="challenge-result">${this.resultLine(f)}</p>
        <p>${f.met ? msg('challenge.met') : msg('challenge.missed', { target: formatChange(c.targetPct / 100, locale) })}</p>`;
    }
    const progress = targetProgress(f.changePct, c.targetPct);
    return html`<p class="figure" data-testid="challenge-progress">
        ${msg('challenge.soFar', {
          change: formatChange(f.changePct / 100, locale),
          weekday: this.dateText(c.date, { weekday: 'long' }),
        })}
      </p>
      <div
        class="bar"
        role="img"
        aria-label=${`${msg('challenge.progress')}: ${Math.round(progress * 100)} %`}
        style=${styleProps({ '--progress': `${(progress * 100).toFixed(1)}%` })}
      >
        <span></span>
      </div>
      <p class="muted">${plural('challenge.hoursCounted', f.hours, { total: c.hours.length })}</p>
      ${this.renderNow(c)}`;
  }

  private renderNow(c: ChallengeView) {
    if (!c.now) return nothing;
    const locale = getLocale();
    return html`<p data-testid="challenge-now">
      ${msg('challenge.now', { watts: formatPower(c.now.watts, locale), typical: formatPower(c.now.typicalW, locale) })}
    </p>`;
  }

  private renderChallenge(c: ChallengeView) {
    const withheld = !c.figures && c.withheld !== undefined && c.state !== 'upcoming';
    const met = c.state === 'done' && c.figures?.met;
    return html`<section
      class="card ${met ? 'met' : ''} ${withheld ? 'withheld' : ''}"
      aria-labelledby="challenge-h"
      data-testid="challenge"
      data-state=${c.state}
    >
      <p class="state">${msg(`challenge.${c.state}`)}</p>
      <h3 id="challenge-h">${msg('challenge.title', { title: c.title })}</h3>
      ${this.kiosk && c.state !== 'upcoming' ? nothing : html`<p>${this.windowLine(c)}</p>`}
      ${this.renderFigures(c)}
    </section>`;
  }

  override render() {
    const list = this.challenges.value;
    const c = list ? featuredChallenge(list, Date.now()) : null;
    // a card that may have nothing to say shows no loading line, and an error card only on Now;
    // hidden, it takes no place in its parent's grid
    const failed = list === undefined && this.challenges.error !== undefined && !this.kiosk;
    this.hidden = !c && !failed;
    if (failed) return this.challenges.render(() => nothing);
    return c ? this.renderChallenge(c) : nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-challenge-card': CommunsChallengeCard;
  }
}
