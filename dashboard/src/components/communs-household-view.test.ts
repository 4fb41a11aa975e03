// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import './communs-household-view.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { costFixture, noHoursCostFixture, settingsFixture } from '../testing/money-fixtures.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const TOKEN = 't'.repeat(44);

function household(sharing: 'private' | 'community' | 'open') {
  return {
    status: 'ok',
    household: { id: 'h1', name: 'Les Dupont', kind: 'household', sharing },
    nodes: [
      {
        id: 'n1',
        name: 'Compteur',
        sensors: [
          { id: 'power', series: 'n1/power', quantity: 'power', unit: 'W', label: null },
          { id: 'energy', series: 'n1/energy', quantity: 'energy', unit: 'Wh', label: null },
          { id: 'temp', series: 'n1/temp', quantity: 'temperature', unit: '°C', label: 'Salon' },
        ],
      },
    ],
  };
}

const series = {
  status: 'ok',
  series: 'n1/temp',
  quantity: 'temperature',
  unit: '°C',
  step: 'minute',
  stepMs: 60_000,
  from: 0,
  to: 120_000,
  points: { t: [0, 60_000], value: [20, 21], min: [20, 21], max: [20, 21] },
};

describe('communs-household-view', () => {
  it('shows only the refusal for an unknown or revoked link, and asks for nothing else', async () => {
    const asked = stubHub({
      '/api/household': { status: 404, body: { status: 'error', error: 'unknown or revoked link' } },
    });
    const el = document.createElement('communs-household-view');
    el.token = 'x'.repeat(44);
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('This link is unknown or has been revoked');
    expect(el.shadowRoot?.querySelector('communs-chart, communs-bar-chart')).toBeNull();
    // a retry could only knock on a closed door: no button, no "could not be shown"
    expect(el.shadowRoot?.querySelector('communs-error-card')).toBeNull();
    expect(visibleText(el)).not.toContain('could not be shown');
    expect(asked).toEqual([`/api/household?token=${'x'.repeat(44)}`]);
  });

  it('asks for its own figures with the token, the neighbourhood’s without, and draws one energy chart', async () => {
    const asked = stubHub({
      '/api/household': { body: household('private') },
      '/api/settings': { body: settingsFixture() },
      '/api/cost': { body: costFixture({ homes: 4 }) },
      '/api/series': { body: series },
    });
    const el = document.createElement('communs-household-view');
    el.token = TOKEN;
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Your household: Les Dupont');
    const costs = asked.filter((u) => u.startsWith('/api/cost'));
    expect(costs.filter((u) => u.includes(`token=${TOKEN}`))).toHaveLength(2);
    expect(costs.filter((u) => u.includes('quantity=energy'))).toHaveLength(1);
    expect(costs.find((u) => u.includes('quantity=energy'))).not.toContain('token=');
    // power is not charted beside energy: the bars are the one energy chart; the temperature has its own
    expect(el.shadowRoot?.querySelectorAll('communs-bar-chart')).toHaveLength(1);
    expect(el.shadowRoot?.querySelectorAll('communs-chart')).toHaveLength(1);
    expect(asked.some((u) => u.includes('n1%2Fpower'))).toBe(false);
    expect(text).toContain('Temperature · Salon');
    expect(text).not.toContain('n1/temp');
  });

  it('says in plain words what it shares, with whom, and how to change it', async () => {
    stubHub({
      '/api/household': { body: household('private') },
      '/api/settings': { body: settingsFixture() },
      '/api/cost': { body: costFixture({ homes: 4 }) },
      '/api/series': { body: series },
    });
    const el = document.createElement('communs-household-view');
    el.token = TOKEN;
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Your readings are seen only through this link');
    expect(text).toContain('Detailed readings are kept for 30 days');
    expect(text).toContain('ask the person who runs the hub');
    expect(text).toContain('An average home of the neighbourhood over the same time');
  });

  it('does not compare with the neighbourhood when fewer than 3 homes make up its figure', async () => {
    stubHub({
      '/api/household': { body: household('open') },
      '/api/settings': { body: settingsFixture() },
      '/api/cost': { body: costFixture({ homes: 2 }) },
      '/api/series': { body: series },
    });
    const el = document.createElement('communs-household-view');
    el.token = TOKEN;
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('The neighbourhood’s average is not shown');
    expect(text).not.toContain('An average home of the neighbourhood');
    expect(text).toContain('published in the open-data file');
  });

  it('says nothing is counted yet at the start of a period, rather than a total of zero', async () => {
    // just after midnight on a Monday: the week has begun and no hour of it has ended
    stubHub({
      '/api/household': { body: household('private') },
      '/api/settings': { body: settingsFixture() },
      '/api/cost': { body: noHoursCostFixture() },
      '/api/series': { body: series },
    });
    const el = document.createElement('communs-household-view');
    el.token = TOKEN;
    document.body.append(el);
    await settle(el);
    const total = el.shadowRoot?.querySelector('[data-testid="household-total"]')?.textContent ?? '';
    expect(total).toContain('Nothing counted yet');
    expect(total).not.toMatch(/0 Wh/);
  });

  it('does not say "100 % less" than the neighbourhood before its own first hour is counted', async () => {
    stubHub({
      '/api/household': { body: household('private') },
      '/api/settings': { body: settingsFixture() },
      '/api/cost': { body: costFixture({ homes: 4 }) },
      '/api/series': { body: series },
    });
    // the home's own figures (asked with its token) have no hour yet; the neighbourhood's have
    const neighbourhood = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: string) =>
      input.startsWith('/api/cost') && input.includes('token=')
        ? new Response(JSON.stringify(noHoursCostFixture()))
        : neighbourhood(input),
    );
    const el = document.createElement('communs-household-view');
    el.token = TOKEN;
    document.body.append(el);
    await settle(el);
    const vs = el.shadowRoot?.querySelector('[data-testid="household-vs-neighbourhood"]')?.textContent ?? '';
    expect(vs).toContain('An average home of the neighbourhood');
    expect(vs).not.toMatch(/%|less|more/);
  });
});
