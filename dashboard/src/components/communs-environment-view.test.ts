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
  it("tells people to air the room when a place's CO2 is above 1000 ppm", async () => {
    const now = Date.now();
    stubHub({
      '/api/nodes': {
        body: {
          status: 'ok',
          nodes: [
            nodeFixture({
              id: 'salle-air',
              household: { id: 'salle', name: 'Salle des fêtes', kind: 'place' },
              sensors: [sensorFixture('salle-air', 'co2', 'co2', 'ppm')],
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
          points: { t: [now - 60_000], value: [1240], min: [1240], max: [1240] },
        },
      },
    });
    const el = document.createElement('communs-environment-view');
    document.body.append(el);
    await settle(el);
    const text = visibleText(el);
    expect(text).toContain('Salle des fêtes');
    expect(text).toContain('1,240 ppm');
    expect(text).toContain('Air the room: CO₂ is above 1000 ppm.');
  });
});
