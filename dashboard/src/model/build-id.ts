/**
 * The dashboard's build, named by the hashed script that index.html loads (`/assets/index-…js`):
 * Vite gives every build a new name, so two different names mean the hub now serves another build.
 */
export function buildIdFromHtml(html: string): string | null {
  return /<script[^>]+type="module"[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? null;
}
