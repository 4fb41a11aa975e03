// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/localize.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { signalFixture } from '../testing/together-fixtures.ts';
import './communs-signal-light.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('en');
  document.body.innerHTML = '';
});

async function mount(body: unknown, attrs: string[] = []) {
  stubHub({ '/api/signal': { body } });
  const el = document.createElement('communs-signal-light');
  for (const a of attrs) el.setAttribute(a, '');
  document.body.append(el);
  await settle(el);
  return el;
}

const redDay = signalFixture({
  light: 'red',
  reasons: ['tempo-red'],
  today: {
    date: '2026-12-12',
    tempo: 'red',
    tempoSource: 'console',
    ecowatt: null,
    note: 'Soirée sobre ce soir',
  },
  tomorrow: { date: '2026-12-13', tempo: 'white', tempoSource: 'console', ecowatt: 'orange', note: null },
  offPeak: { windows: [{ from: '22:00', to: '06:00' }], now: false, nextChange: Date.UTC(2026, 11, 12, 22) },
});

describe('communs-signal-light', () => {
  it('a red Tempo day: the light in words, why, until when, tomorrow and the admin’s note', async () => {
    const el = await mount(redDay);
    const text = visibleText(el);
    expect(el.shadowRoot?.querySelector('[data-testid="signal"]')?.getAttribute('data-light')).toBe('red');
    expect(text).toContain('Red: hold back if you can');
    expect(text).toContain('A red Tempo day');
    expect(text).toMatch(/Until \d/);
    expect(text).toContain('Tomorrow: a white Tempo day and an EcoWatt orange alert.');
    expect(text).toContain('From the hub: “Soirée sobre ce soir”');
  });

  it('in French, with the sun’s share and a heat alert', async () => {
    setLocale('fr');
    const el = await mount(
      signalFixture({
        light: 'green',
        reasons: ['sun'],
        production: { producedW: 3000, consumedW: 4000, share: 0.75, ts: Date.now() },
        weather: { ...signalFixture().weather, alert: 'heat', max24: 36.4, min24: 22 },
      }),
    );
    const text = visibleText(el);
    expect(text).toContain('Vert : bon moment pour consommer');
    expect(text).toContain('Le soleil couvre 75 % du quartier');
    expect(text).toContain('Canicule (36,4 °C) : prenez des nouvelles de vos voisins');
  });

  it('compact, for the screen’s header: the lamp and the headline only, nothing while unknown', async () => {
    const el = await mount(redDay, ['compact']);
    expect(visibleText(el).trim()).toBe('Red: hold back if you can');
    const failed = await mount({ status: 'error', error: 'down' }, ['compact']);
    expect(failed.shadowRoot?.querySelector('communs-error-card')).toBeNull();
    expect(visibleText(failed).trim()).toBe('');
  });
});
