// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/localize.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { productionFixture } from '../testing/together-fixtures.ts';
import './communs-production-card.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('en');
  document.body.innerHTML = '';
});

describe('communs-production-card', () => {
  it('today and this month: production against consumption, and both shares', async () => {
    const asked: string[] = [];
    const day = productionFixture('day');
    const month = productionFixture('month', {
      consumedWh: 900_000,
      producedWh: 300_000,
      selfConsumedWh: 240_000,
      selfSufficiency: 240_000 / 900_000,
      selfConsumption: 0.8,
      withheldHours: 0,
    });
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify(url.includes('month=') ? month : day));
    });
    const el = document.createElement('communs-production-card');
    document.body.append(el);
    await settle(el);
    expect(asked).toEqual(['/api/production', '/api/production?month=2026-06']);
    const text = visibleText(el);
    expect(text).toContain('12 kWh produced · 34.5 kWh used');
    const q = (id: string) => el.shadowRoot?.querySelector(`[data-testid="${id}"]`)?.textContent;
    expect(q('production-day-sufficiency')).toBe('25%');
    expect(q('production-day-consumption')).toBe('71%');
    expect(q('production-month-sufficiency')).toBe('27%');
    expect(q('production-month-consumption')).toBe('80%');
    expect(text).toContain('1 hour withheld by the privacy rule is left out.');
  });

  it('in French; and nothing at all when nothing is produced here', async () => {
    setLocale('fr');
    stubHub({ '/api/production': { body: productionFixture('day') } });
    const el = document.createElement('communs-production-card');
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('12 kWh produits · 34,5 kWh consommés');
    expect(visibleText(el)).toContain('Part couverte par la production locale');
    stubHub({ '/api/production': { body: productionFixture('day', {}, false) } });
    const none = document.createElement('communs-production-card');
    document.body.append(none);
    await settle(none);
    expect(none.hidden).toBe(true);
    expect(visibleText(none).trim()).toBe('');
  });
});
