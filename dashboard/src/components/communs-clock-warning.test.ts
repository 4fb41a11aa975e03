// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/localize.ts';
import { settle, stubHub, visibleText } from '../testing/element-test-kit.ts';
import './communs-clock-warning.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('en');
  document.body.innerHTML = '';
});

function health(clockTrusted: boolean) {
  return {
    status: 'ok',
    version: '0.1.0',
    uptimeS: 1,
    nodes: 0,
    pending: 0,
    lastCommitTs: null,
    neighbourhood: 'Communs',
    notices: [],
    clockTrusted,
    now: 0,
  };
}

async function mount(): Promise<HTMLElement> {
  const el = document.createElement('communs-clock-warning');
  document.body.append(el);
  await settle(el);
  return el;
}

describe('communs-clock-warning', () => {
  it('says, in both languages, that readings are held while the hub does not trust its clock', async () => {
    stubHub({ '/api/health': { body: health(false) } });
    const el = await mount();
    expect(visibleText(el)).toContain('new readings are held until an admin sets the time');
    setLocale('fr');
    await settle(el);
    expect(visibleText(el)).toContain('les nouvelles mesures sont retenues');
  });

  it('shows nothing while the clock is trusted', async () => {
    stubHub({ '/api/health': { body: health(true) } });
    const el = await mount();
    expect(visibleText(el).trim()).toBe('');
  });
});
