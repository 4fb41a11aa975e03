import type { Page } from 'playwright-core';
import { POWER_CARD } from './power-card.ts';

/** What the shared screen showed at one moment (every 100 ms from `sampleScreen`). */
export interface ScreenSample {
  /** the screen says it is offline (`offline` attribute) */
  offline: boolean;
  /** the stage's opacity: dimmed while offline */
  opacity: string;
  /** the outage banner's words */
  banner: string;
  /** visible buttons anywhere in the screen */
  buttons: number;
  tryAgain: boolean;
  /** the Now view's power card: a figure, or why it is withheld */
  power: string;
  t: number;
}

/**
 * Starts sampling the shared screen in the page, every 100 ms and once at once (what it showed
 * before whatever the test does next), through every shadow root: read back with `screenSamples`.
 */
export async function sampleScreen(page: Page): Promise<void> {
  await page.evaluate((card) => {
    const w = window as unknown as { outage: unknown[] };
    w.outage = [];
    const sample = () => {
      const screen = document.querySelector('communs-app')?.shadowRoot?.querySelector('communs-screen-view');
      const root = screen?.shadowRoot;
      const texts: string[] = [];
      let buttons = 0;
      const walk = (n: Node) => {
        if (n instanceof Element) {
          if (n.tagName === 'BUTTON' && n.checkVisibility()) buttons++;
          if (n.shadowRoot) walk(n.shadowRoot);
        }
        if (n.nodeType === Node.TEXT_NODE) texts.push(n.textContent ?? '');
        for (const c of n.childNodes) walk(c);
      };
      if (root) walk(root);
      const power = root
        ?.querySelector('communs-now-view')
        ?.shadowRoot?.querySelector(card)
        ?.textContent?.replace(/\s+/g, ' ')
        .trim();
      w.outage.push({
        offline: screen?.hasAttribute('offline') ?? false,
        opacity: root ? getComputedStyle(root.querySelector('.stage') as Element).opacity : '',
        banner: root?.querySelector('.outage')?.textContent?.trim() ?? '',
        buttons,
        tryAgain: texts.join(' ').includes('Try again'),
        power: power ?? '',
        t: Date.now(),
      });
    };
    // the first sample now, before the hub goes away: what the screen showed until then
    sample();
    setInterval(sample, 100);
  }, POWER_CARD);
}

export function screenSamples(page: Page): Promise<ScreenSample[]> {
  return page.evaluate(() => (window as unknown as { outage: ScreenSample[] }).outage);
}

/** Opens a live stream of the hub's own in the page and keeps its newest collective power event. */
export async function followLivePower(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { lastAggregate: unknown };
    const es = new EventSource('/api/live');
    es.addEventListener('aggregate', (e) => {
      const a = JSON.parse((e as MessageEvent<string>).data) as { quantity: string };
      if (a.quantity === 'power') w.lastAggregate = a;
    });
  });
}

export function lastLivePower(
  page: Page,
): Promise<{ value: number | null; sensors: number; households: number } | undefined> {
  return page.evaluate(
    () =>
      (window as unknown as { lastAggregate?: { value: number | null; sensors: number; households: number } })
        .lastAggregate,
  );
}
