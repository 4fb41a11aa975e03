// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/localize.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { challengeFixture } from '../testing/together-fixtures.ts';
import './communs-challenge-card.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('en');
  document.body.innerHTML = '';
});

async function mount(challenges: unknown[]) {
  stubHub({ '/api/challenges': { body: { status: 'ok', challenges } } });
  const el = document.createElement('communs-challenge-card');
  document.body.append(el);
  await settle(el);
  return el;
}

const H = 3_600_000;

describe('communs-challenge-card', () => {
  it('while it runs: the change so far against the target, the hours counted, the power now', async () => {
    const el = await mount([challengeFixture()]);
    const text = visibleText(el);
    expect(el.hidden).toBe(false);
    expect(text).toContain('Under way');
    expect(text).toContain('Challenge: Soirée sobre');
    expect(text).toMatch(
      /Saturday, (12 December|December 12), 18:00–20:00\. Aim: [-−]10% against a usual Saturday\./,
    );
    expect(text).toMatch(/[-−]7% so far against a usual Saturday/);
    expect(text).toContain('1 hour counted of 2');
    expect(text).toContain('Now: 6.4 kW, usually 7.2 kW at this hour.');
    const bar = el.shadowRoot?.querySelector<HTMLElement>('.bar');
    expect(bar?.style.getPropertyValue('--progress')).toBe('70.0%');
  });

  it('once over: the result card, in French, with the target met', async () => {
    setLocale('fr');
    const start = Date.now() - 3 * H;
    const el = await mount([
      challengeFixture({
        state: 'done',
        start,
        end: start + 2 * H,
        now: null,
        figures: {
          wh: 14_130,
          expectedWh: 16_200,
          changePct: -12.78,
          savedWh: 2070,
          savedCost: 1.3662,
          savedCo2g: 107.64,
          currency: 'EUR',
          met: true,
          hours: 2,
        },
      }),
    ]);
    const text = visibleText(el);
    expect(text).toContain('Résultat');
    expect(text).toMatch(/[-−]13 %, 2,1 kWh économisés, ≈ 1,37 €, ≈ 108 g de CO₂/);
    expect(text).toContain('Objectif atteint');
  });

  it('in its first hour: no figures yet, said so, with the power now against the usual', async () => {
    const el = await mount([challengeFixture({ figures: null, hours: [] })]);
    const text = visibleText(el);
    expect(text).toContain('The first figures come once the first hour of the window is over.');
    expect(text).toContain('Now: 6.4 kW, usually 7.2 kW at this hour.');
    expect(text).not.toContain('No figures');
  });

  it('says why there are no figures, and takes no room when no challenge is near', async () => {
    const noBaseline = await mount([
      challengeFixture({ baseline: null, figures: null, withheld: 'no baseline' }),
    ]);
    expect(visibleText(noBaseline)).toContain('fewer than two earlier weeks');
    const old = Date.now() - 3 * 24 * H;
    const none = await mount([challengeFixture({ state: 'done', start: old, end: old + 2 * H })]);
    expect(none.hidden).toBe(true);
    expect(visibleText(none).trim()).toBe('');
  });
});
