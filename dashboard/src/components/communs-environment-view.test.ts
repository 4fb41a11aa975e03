// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import { nodeFixture, sensorFixture } from '../testing/node-fixtures.ts';
import './communs-environment-view.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('communs-environment-view', () => {
  it('gives each place a verdict and tells people to air the room when its CO2 is above 800 ppm', async () => {
    const now = Date.now();
    const asked = stubHub({
      '/api/nodes': {
        body: {
          status: 'ok',
          nodes: [
            nodeFixture({
              id: 'salle-air',
              household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
              sensors: [
                sensorFixture('salle-air', 'co2', 'co2', 'ppm', { ts: now - 20_000, value: 1240 }),
                sensorFixture('salle-air', 't', 'temperature', '°C', { ts: now - 20_000, value: 20 }),
              ],
            }),
            nodeFixture({
              id: 'biblio-air',
              household: { id: 'biblio', name: 'Bibliothèque', kind: 'place' },
              sensors: [sensorFixture('biblio-air', 'co2', 'co2', 'ppm', { ts: now - 20_000, value: 540 })],
            }),
          ],
        },
      },
    });
    const el = document.createElement('communs-environment-view');
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Salle des fêtes');
    expect(text).toContain('1,240 ppm');
    expect(text).toContain('Air the room: CO₂ is above 800 ppm.');
    const badges = [...(el.shadowRoot?.querySelectorAll('communs-air-status') ?? [])].map((b) =>
      b.getAttribute('status'),
    );
    expect(badges).toEqual(['good', 'air']);
    // the latest values came with the nodes: no request per sensor
    expect(asked).toEqual(['/api/nodes']);
  });

  it('asks for the recent series of a sensor the hub has no latest reading for (it just restarted)', async () => {
    const now = Date.now();
    const asked = stubHub({
      '/api/nodes': {
        body: {
          status: 'ok',
          nodes: [
            nodeFixture({
              id: 'salle-air',
              household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
              sensors: [sensorFixture('salle-air', 'co2', 'co2', 'ppm', null)],
            }),
          ],
        },
      },
      '/api/series': {
        body: {
          status: 'ok',
          series: 'salle-air/co2',
          quantity: 'co2',
          unit: 'ppm',
          step: 'minute',
          stepMs: 60_000,
          from: now - 60_000,
          to: now,
          points: { t: [now - 60_000], value: [1500], min: [1500], max: [1500] },
        },
      },
    });
    const el = document.createElement('communs-environment-view');
    document.body.append(el);
    await settle(el);
    expect(asked.filter((p) => p.startsWith('/api/series'))).toHaveLength(1);
    expect(visibleText(el)).toContain('1,500 ppm');
    expect(el.shadowRoot?.querySelector('communs-air-status')?.getAttribute('level')).toBe('alert');
  });
});
