// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { costFixture, noHoursCostFixture, settingsFixture } from '../testing/money-fixtures.ts';
import './communs-cost-today.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const tempo = settingsFixture({
  tariff: { perKwh: 0.2, dailyCharge: 0.5, currency: 'EUR', model: 'tempo' },
  tempo: { today: 'red', tomorrow: null },
});

describe('communs-cost-today', () => {
  it("asks for the neighbourhood's cost since local midnight, and shows it with its parts and CO2", async () => {
    const asked = stubHub({
      '/api/cost': {
        body: costFixture({
          homes: 5,
          total: { wh: 12_000, energyCost: 3.02, standingCost: 0.98, cost: 4, co2g: 624, hours: 10 },
        }),
      },
      '/api/settings': { body: settingsFixture() },
    });
    const el = document.createElement('communs-cost-today');
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('≈ €4.00');
    expect(text).toContain('Electricity €3.02 + daily charges €0.98 (5 homes)');
    expect(text).toContain('≈ 624 g of CO₂ at 52 g per kWh');
    const q = new URLSearchParams(asked.find((u) => u.startsWith('/api/cost'))?.split('?')[1]);
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    expect(q.get('quantity')).toBe('energy');
    expect(Number(q.get('from'))).toBe(midnight.getTime());
    expect(q.get('bucket')).toBe('none');
    expect(q.has('token')).toBe(false);
  });

  it('on the shared screen: the figure, its CO2 and a red Tempo day, without the details', async () => {
    stubHub({ '/api/cost': { body: costFixture() }, '/api/settings': { body: tempo } });
    const el = document.createElement('communs-cost-today');
    el.kiosk = true;
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Tempo: today is a red day.');
    expect(text).toContain('≈ 130 g of CO₂');
    expect(text).not.toContain('daily charges');
  });

  it('says why there is no figure when fewer than 3 households contribute', async () => {
    stubHub({
      '/api/cost': {
        body: noHoursCostFixture({
          withheld: 'fewer than 3 households contribute: the aggregate would reveal them',
        }),
      },
      '/api/settings': { body: settingsFixture() },
    });
    const el = document.createElement('communs-cost-today');
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('Fewer than 3 households contribute');
    expect(el.shadowRoot?.querySelector('[data-testid="cost-today"]')).toBeNull();
  });

  it('just after midnight, before the first hour is counted, says so rather than "≈ €0.00"', async () => {
    stubHub({
      '/api/cost': { body: noHoursCostFixture() },
      '/api/settings': { body: tempo },
    });
    const el = document.createElement('communs-cost-today');
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Nothing counted yet');
    expect(text).not.toContain('€0.00');
    // the day's colour is known before its first hour is counted
    expect(text).toContain('Tempo: today is a red day.');
  });
});
