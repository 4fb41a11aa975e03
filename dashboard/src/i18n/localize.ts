import { en, type MessageKey } from './catalogue-en.ts';
import { fr } from './catalogue-fr.ts';
import { interpolate, type MessageParams } from './interpolate.ts';
import type { Locale } from './pick-locale.ts';

export type { Locale, MessageKey };

/** Fired on window when the language changes; LocaleController re-renders its host on it. */
export const LOCALE_CHANGED = 'communs-locale-changed';

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, fr };

// The language is page-wide state, like the document's `lang`: one value read by every element,
// the same design as @lit/localize's runtime mode, without its code generation step.
let current: Locale = 'en';

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(LOCALE_CHANGED));
}

/** The message for `key` in the current language, placeholders filled. */
export function msg(key: MessageKey, params?: MessageParams): string {
  return interpolate(catalogues[current][key], params);
}

/** The name of a physical quantity in the current language; its id when the catalogue has none. */
export function quantityName(quantity: string): string {
  const key = `quantity.${quantity}`;
  return key in en && key !== 'quantity.other' ? msg(key as MessageKey) : msg('quantity.other', { quantity });
}

type PluralBase = {
  [K in MessageKey]: K extends `${infer B}_one` ? (`${B}_other` extends MessageKey ? B : never) : never;
}[MessageKey];

/** A counted message: `plural('now.households', 3)` → "3 households" / "3 foyers". */
export function plural(base: PluralBase, n: number, params?: MessageParams): string {
  const category = new Intl.PluralRules(current).select(n) === 'one' ? 'one' : 'other';
  const formatted = new Intl.NumberFormat(current).format(n);
  return msg(`${base}_${category}` as MessageKey, { n: formatted, ...params });
}
