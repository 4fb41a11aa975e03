// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import './communs-household-view.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('communs-household-view', () => {
  it('shows only the refusal for an unknown or revoked link, and does not retry', async () => {
    const asked = stubHub({
      '/api/household': { status: 404, body: { status: 'error', error: 'unknown or revoked link' } },
    });
    const el = document.createElement('communs-household-view');
    el.token = 'x'.repeat(44);
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('This link is unknown or has been revoked');
    expect(el.shadowRoot?.querySelector('communs-chart')).toBeNull();
    // a retry could only knock on a closed door: no button, no "could not be shown"
    expect(el.shadowRoot?.querySelector('communs-error-card')).toBeNull();
    expect(visibleText(el)).not.toContain('could not be shown');
    expect(asked).toEqual([`/api/household?token=${'x'.repeat(44)}`]);
  });

  it('asks for its private series with the token', async () => {
    const asked = stubHub({
      '/api/household': {
        body: {
          status: 'ok',
          household: { id: 'h1', name: 'Les Dupont', kind: 'household', sharing: 'private' },
          nodes: [
            {
              id: 'n1',
              sensors: [{ id: 'power', series: 'n1/power', quantity: 'power', unit: 'W', label: null }],
            },
          ],
        },
      },
      '/api/series': {
        body: {
          status: 'ok',
          series: 'n1/power',
          quantity: 'power',
          unit: 'W',
          step: 'minute',
          stepMs: 60_000,
          from: 0,
          to: 120_000,
          points: { t: [0, 60_000], value: [100, 200], min: [100, 200], max: [100, 200] },
        },
      },
    });
    const el = document.createElement('communs-household-view');
    el.token = 't'.repeat(44);
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('Your household: Les Dupont');
    expect(asked.find((u) => u.startsWith('/api/series'))).toContain(`token=${'t'.repeat(44)}`);
  });
});
