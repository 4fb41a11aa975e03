import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastRatio } from './contrast.ts';

const css = fs.readFileSync(path.join(import.meta.dirname, 'tokens.css'), 'utf8');

/** The tokens of one theme block: the default `:root`, or the dark or kiosk override on top of it. */
function tokens(theme: 'default' | 'dark' | 'kiosk'): Record<string, string> {
  const block = (selector: RegExp) => {
    const start = css.search(selector);
    if (start < 0) throw new Error(`no block ${selector} in tokens.css`);
    return css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  };
  const read = (text: string) =>
    Object.fromEntries(
      [...text.matchAll(/(--communs-[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2]?.trim()]),
    );
  const base = read(block(/^:root \{/m));
  if (theme === 'default') return base;
  if (theme === 'dark')
    return { ...base, ...read(block(/^\s*:root:not\(\[data-theme=["']kiosk["']\]\) \{/m)) };
  return { ...base, ...read(block(/^:root\[data-theme=["']kiosk["']\] \{/m)) };
}

// Every text-on-background pair the components use (WCAG 2.1 AA 1.4.3: 4.5:1 for body text).
const PAIRS: Array<[string, string]> = [
  ['--communs-ink', '--communs-paper'],
  ['--communs-ink', '--communs-card'],
  ['--communs-ink-muted', '--communs-paper'],
  ['--communs-ink-muted', '--communs-card'],
  ['--communs-accent', '--communs-card'],
  ['--communs-accent', '--communs-paper'],
  ['--communs-accent-ink', '--communs-accent'],
  ['--communs-warn', '--communs-card'],
  ['--communs-warn', '--communs-warn-soft'],
  ['--communs-ink', '--communs-warn-soft'],
  ['--communs-danger', '--communs-danger-soft'],
  ['--communs-ink', '--communs-danger-soft'],
  ['--communs-ok', '--communs-card'],
  ['--communs-chart-axis', '--communs-card'],
];

describe('colour tokens meet WCAG AA contrast', () => {
  for (const theme of ['default', 'dark', 'kiosk'] as const) {
    const t = tokens(theme);
    for (const [fg, bg] of PAIRS) {
      it(`${theme}: ${fg} on ${bg} is at least 4.5:1`, () => {
        expect(contrastRatio(t[fg] ?? '', t[bg] ?? '')).toBeGreaterThanOrEqual(4.5);
      });
    }
  }
});

describe('contrastRatio', () => {
  it('gives 21 for black on white and 1 for a colour on itself', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
  });
});
