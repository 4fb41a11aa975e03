import { describe, expect, it } from 'vitest';
import { en } from './catalogue-en.ts';
import { fr } from './catalogue-fr.ts';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('catalogues', () => {
  it('French uses the same placeholders as English for every message', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(fr[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });

  it('French keeps a no-break space before : ; ! ? so a line never starts with one', () => {
    for (const [key, text] of Object.entries(fr)) expect(text, key).not.toMatch(/[ \t\n][:;!?]/);
  });
});
