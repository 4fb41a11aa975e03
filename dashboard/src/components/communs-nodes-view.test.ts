// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFixture } from '../testing/node-fixtures.ts';
import './communs-nodes-view.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('communs-nodes-view', () => {
  it("shows each node's clock against the hub's", async () => {
    stubHub({
      '/api/nodes': {
        body: {
          status: 'ok',
          nodes: [
            nodeFixture({ id: 'synced', clockOffsetMs: 40 }),
            nodeFixture({ id: 'drifting', clockOffsetMs: -7 * 60_000 }),
            nodeFixture({ id: 'silent', clockOffsetMs: null }),
          ],
        },
      },
    });
    const el = document.createElement('communs-nodes-view');
    document.body.append(el);
    await settle(el);
    const clock = (id: string) =>
      el.shadowRoot?.querySelector(`tr[data-node="${id}"] td.clock`)?.textContent?.trim();
    expect(clock('synced')).toBe('in step');
    expect(clock('drifting')).toBe('7 min behind');
    expect(clock('silent')).toBe('—');
  });

  it('lists broken nodes first, with the last rejection reason, and keeps private households unnamed', async () => {
    stubHub({
      '/api/nodes': {
        body: {
          status: 'ok',
          nodes: [
            nodeFixture({ id: 'ok-node', household: { id: 'h1', name: 'Rue Haute 3', kind: 'household' } }),
            nodeFixture({
              id: 'broken',
              state: 'offline',
              sharing: 'private',
              rejected: 2,
              lastRejections: [{ ts: 1, reason: 'out_of_range', detail: 'co2 = 90000 ppm' }],
            }),
          ],
        },
      },
    });
    const el = document.createElement('communs-nodes-view');
    document.body.append(el);
    await settle(el);
    const rows = [...(el.shadowRoot?.querySelectorAll('tbody tr') ?? [])].map((r) =>
      r.getAttribute('data-node'),
    );
    expect(rows).toEqual(['broken', 'ok-node']);
    const text = visibleText(el);
    expect(text).toContain('out_of_range co2 = 90000 ppm');
    expect(text).toContain('private');
    expect(text).toContain('Rue Haute 3');
  });

  it('shows an error card, not a blank page, when the hub refuses', async () => {
    stubHub({ '/api/nodes': { status: 500, body: { status: 'error', error: 'database is locked' } } });
    const el = document.createElement('communs-nodes-view');
    document.body.append(el);
    await settle(el);
    const card = el.shadowRoot?.querySelector('communs-error-card');
    expect(card).not.toBeNull();
    expect(visibleText(el)).toContain('database is locked');
  });

  it('on a hub without any sensor, explains how to add one', async () => {
    stubHub({ '/api/nodes': { body: { status: 'ok', nodes: [] } } });
    const el = document.createElement('communs-nodes-view');
    document.body.append(el);
    await settle(el);
    expect(visibleText(el)).toContain('No sensor yet: how to add one');
  });
});
