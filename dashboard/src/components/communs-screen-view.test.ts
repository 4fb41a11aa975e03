// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import './communs-screen-view.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function screen() {
  stubHub({});
  const el = document.createElement('communs-screen-view');
  el.every = 600;
  document.body.append(el);
  await settle(el);
  return el;
}

describe('communs-screen-view', () => {
  it('keeps each view once created, so its last figures stay for its next turn', async () => {
    const el = await screen();
    const now = el.shadowRoot?.querySelector('communs-now-view');
    expect(now).not.toBeNull();
    el.view = 'environment';
    await settle(el);
    expect(el.shadowRoot?.querySelector('communs-now-view')).toBe(now);
    expect(now?.closest('[hidden]')).not.toBeNull();
    el.view = 'now';
    await settle(el);
    expect(el.shadowRoot?.querySelector('communs-now-view')).toBe(now);
    expect(now?.closest('[hidden]')).toBeNull();
  });

  it('dims the figures and says it reconnects by itself while a live stream is down, with no button', async () => {
    const el = await screen();
    const now = el.shadowRoot?.querySelector('communs-now-view');
    now?.dispatchEvent(
      new CustomEvent('communs-live-state', { detail: 'live', bubbles: true, composed: true }),
    );
    await settle(el);
    expect(el.hasAttribute('offline')).toBe(false);
    now?.dispatchEvent(
      new CustomEvent('communs-live-state', { detail: 'reconnecting', bubbles: true, composed: true }),
    );
    await settle(el);
    expect(el.hasAttribute('offline')).toBe(true);
    expect(visibleText(el.shadowRoot as unknown as Node)).toContain('Reconnecting by itself');
    expect(el.shadowRoot?.querySelectorAll('button')).toHaveLength(0);
    now?.dispatchEvent(
      new CustomEvent('communs-live-state', { detail: 'live', bubbles: true, composed: true }),
    );
    await settle(el);
    expect(el.hasAttribute('offline')).toBe(false);
  });
});
