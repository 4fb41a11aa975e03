export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The first supported language among the browser's preferences (`fr-BE` → `fr`), English otherwise.
 * An explicit choice (the switch, saved in the browser) wins over the preferences.
 */
export function pickLocale(preferred: readonly string[], saved?: string | null): Locale {
  if (isLocale(saved)) return saved;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}
