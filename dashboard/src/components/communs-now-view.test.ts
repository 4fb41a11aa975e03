// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { nodeFixture, sensorFixture } from '../testing/node-fixtures.ts';
import './communs-now-view.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const withheld = {
  status: 'ok',
  series: 'collective/power',
  quantity: 'power',
  unit: 'W',
  step: 'minute',
  stepMs: 60_000,
  from: 0,
  to: 1,
  households: 0,
  withheld: 'withheld: fewer than 3 private households contribute beyond the named ones',
  gaps: [{ from: 0, to: 1, reason: 'too_few' }],
  points: { t: [], value: [], min: [], max: [] },
};

describe('communs-now-view', () => {
  it('says why the collective figure is withheld below three households, and shows no figure', async () => {
    stubHub({
      '/api/series': { body: withheld },
      '/api/nodes': { body: { status: 'ok', nodes: [nodeFixture({ id: 'a' }), nodeFixture({ id: 'b' })] } },
    });
    const el = document.createElement('communs-now-view');
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('too few private households beyond the named ones (fewer than 3)');
    expect(el.shadowRoot?.querySelector('[data-testid="collective-power"]')).toBeNull();
  });

  it('names only the households the API names', async () => {
    stubHub({
      '/api/series': { body: withheld },
      '/api/nodes': {
        body: {
          status: 'ok',
          nodes: [
            nodeFixture({
              id: 'a',
              household: { id: 'h1', name: 'Rue Haute 3', kind: 'household' },
              sensors: [sensorFixture('a', 'power', 'power', 'W')],
            }),
            nodeFixture({
              id: 'b',
              sharing: 'private',
              sensors: [
                sensorFixture('b', 'power', 'power', 'W'),
                sensorFixture('b', 'energy', 'energy', 'Wh'),
              ],
            }),
            // a shared place measuring only the air is not part of the consumption figures
            nodeFixture({
              id: 'c',
              household: { id: 'p1', name: 'Salle des fêtes', kind: 'place' },
              sensors: [sensorFixture('c', 'co2', 'co2', 'ppm')],
            }),
          ],
        },
      },
    });
    const el = document.createElement('communs-now-view');
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Named with their agreement: Rue Haute 3.');
    expect(text).toContain('The others keep their names private.');
    expect(text).toContain('2 households');
    expect(text).not.toContain('Salle des fêtes');
  });

  it('counts what the collective power figure is made of: power sensors of nodes online, not every meter', async () => {
    const meter = (id: string, state: 'online' | 'offline' = 'online') =>
      nodeFixture({
        id,
        state,
        household: { id: `h-${id}`, name: id, kind: 'household' },
        sensors: [sensorFixture(id, 'power', 'power', 'W'), sensorFixture(id, 'energy', 'energy', 'Wh')],
      });
    stubHub({
      '/api/series': { body: withheld },
      '/api/nodes': {
        body: { status: 'ok', nodes: [meter('a'), meter('b'), meter('c'), meter('d', 'offline')] },
      },
    });
    const el = document.createElement('communs-now-view');
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('3 households');
    expect(text).toContain('3 sensors');
  });

  it('on a hub without any sensor, explains how to add one instead of showing empty figures', async () => {
    stubHub({
      '/api/series': { body: withheld },
      '/api/nodes': { body: { status: 'ok', nodes: [] } },
    });
    const el = document.createElement('communs-now-view');
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('No sensor yet: how to add one');
    expect(visibleText(el)).toContain('node add compteur-1 --household maison-1');
    expect(visibleText(el)).not.toContain('Withheld');
    expect(el.shadowRoot?.querySelector('.cards')).toBeNull();
  });

  it('draws the 24-hour curve when the hub left only some minutes out (fewer than 3 households in them)', async () => {
    const now = Date.now();
    stubHub({
      '/api/series': {
        body: {
          ...withheld,
          from: now - 86_400_000,
          to: now,
          households: 6,
          withheld: '1 period(s) with fewer than 3 households are left out',
          points: {
            t: [now - 120_000, now - 60_000],
            value: [4000, 4200],
            min: [4000, 4200],
            max: [4000, 4200],
          },
        },
      },
      '/api/nodes': { body: { status: 'ok', nodes: [nodeFixture({ id: 'a' })] } },
    });
    const el = document.createElement('communs-now-view');
    document.body.append(el);
    await settle(el);
    expect(el.shadowRoot?.querySelector('communs-chart')).not.toBeNull();
    expect(el.shadowRoot?.querySelector('[data-testid="collective-power"]')).not.toBeNull();
  });

  it('just after midnight says nothing is counted yet today, not "0 Wh", and compares nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 11, 6, 0, 20));
    try {
      const midnight = new Date(2026, 11, 6).getTime();
      // the same Sunday hour by hour for four weeks, nothing yet today
      const t: number[] = [];
      for (let w = 1; w <= 4; w++)
        for (let h = 0; h < 24; h++) t.push(midnight - w * 7 * 86_400_000 + h * 3_600_000);
      const values = t.map(() => 1000);
      stubHub({
        '/api/series': {
          body: {
            ...withheld,
            quantity: 'energy',
            unit: 'Wh',
            step: 'hour',
            stepMs: 3_600_000,
            households: 6,
            withheld: undefined,
            gaps: [],
            points: { t, value: values, min: values, max: values },
          },
        },
        '/api/nodes': { body: { status: 'ok', nodes: [nodeFixture({ id: 'a' })] } },
      });
      const el = document.createElement('communs-now-view');
      document.body.append(el);
      await settle(el);
      const today = el.shadowRoot?.querySelector('section[aria-labelledby="today-h"]')?.textContent ?? '';
      expect(today).toContain('Nothing counted yet');
      expect(today).not.toMatch(/0 Wh|%|typical/);
    } finally {
      vi.useRealTimers();
    }
  });
});
