// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../i18n/localize.ts';
import './communs-lang-switch.ts';
import { settle } from '../testing/element-test-kit.ts';

describe('communs-lang-switch', () => {
  it('switches the page language, marks the pressed button and remembers the choice', async () => {
    setLocale('en');
    const el = document.createElement('communs-lang-switch');
    document.body.append(el);
    await settle(el);
    const fr = el.shadowRoot?.querySelector<HTMLButtonElement>('button[lang="fr"]');
    fr?.click();
    await settle(el);
    expect(getLocale()).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
    expect(fr?.getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem('communs.locale')).toBe('fr');
    expect(el.shadowRoot?.querySelector('[role="group"]')?.getAttribute('aria-label')).toBe('Langue');
  });
});
