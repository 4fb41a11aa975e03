import { setLocale } from './i18n/localize.ts';
import { isLocale, pickLocale } from './i18n/pick-locale.ts';
// The app element upgrades on import but renders in a microtask, after the language is set below.
import './components/communs-app.ts';

/** Chooses the language before the first render: `?lang=` (links, the shared screen), then the saved choice, then the browser. */
function initialLocale() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (isLocale(fromUrl)) return fromUrl;
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('communs.locale');
  } catch {
    // storage disabled: fall back to the browser's languages
  }
  return pickLocale(navigator.languages, saved);
}

const locale = initialLocale();
setLocale(locale);
document.documentElement.lang = locale;
