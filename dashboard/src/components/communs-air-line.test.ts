// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../../protocol/api.ts';
import { setLocale } from '../i18n/localize.ts';
import { settle, visibleText } from '../testing/element-test-kit.ts';
import { nodeFixture, sensorFixture } from '../testing/node-fixtures.ts';
import './communs-air-line.ts';

afterEach(() => {
  setLocale('en');
  document.body.innerHTML = '';
});

function place(id: string, name: string, sensors: NodeInfo['sensors']): NodeInfo {
  return nodeFixture({ id, household: { id, name, kind: 'place' }, sensors });
}

async function line(nodes: NodeInfo[], kiosk = false) {
  const el = document.createElement('communs-air-line');
  el.nodes = nodes;
  el.kiosk = kiosk;
  document.body.append(el);
  await settle(el);
  return el;
}

describe('communs-air-line', () => {
  const now = Date.now();
  const recent = (value: number) => ({ ts: now - 30_000, value });
  const neighbourhood = [
    place('salle', 'Salle des fêtes', [sensorFixture('salle', 'co2', 'co2', 'ppm', recent(1250))]),
    place('biblio', 'Bibliothèque', [sensorFixture('biblio', 'co2', 'co2', 'ppm', recent(610))]),
    place('ecole', 'École', [sensorFixture('ecole', 'co2', 'co2', 'ppm', recent(700))]),
    place('square', 'Square', [sensorFixture('square', 'pm25', 'pm25', 'µg/m³', null)]),
  ];

  it('names the place to air with its verdict and counts the good ones, in English', async () => {
    const el = await line(neighbourhood);
    expect(visibleText(el).trim()).toBe(
      'Air: Salle des fêtes Air the room · 2 other places: good · 1 place without a recent reading Details on the Environment page',
    );
    const badge = el.shadowRoot?.querySelector('communs-air-status');
    expect(badge?.getAttribute('status')).toBe('air');
    expect(badge?.getAttribute('level')).toBe('warn');
  });

  it('says the same in French, without a link on the shared screen', async () => {
    setLocale('fr');
    const el = await line(neighbourhood, true);
    expect(visibleText(el).trim()).toBe(
      'Air : Salle des fêtes Aérez · 2 autres lieux : bon · 1 lieu sans mesure récente',
    );
    expect(el.shadowRoot?.querySelector('a')).toBeNull();
  });

  it('says the air is good everywhere in one phrase when it is', async () => {
    const el = await line(neighbourhood.slice(1, 3));
    expect(visibleText(el)).toContain('Air: Good in all 2 places measured');
  });

  it('shows nothing when no place shares an environment sensor', async () => {
    const el = await line([
      nodeFixture({ id: 'm', sensors: [sensorFixture('m', 'p', 'power', 'W', recent(300))] }),
    ]);
    expect(el.shadowRoot?.querySelector('p')).toBeNull();
  });
});
