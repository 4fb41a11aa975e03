import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChallengesBody } from '../../protocol/index.ts';
import { getJson } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import {
  AFTER,
  DURING,
  startTogetherNeighbourhood,
  type TogetherNeighbourhood,
} from '../support/together-neighbourhood.ts';
import { ensureDashboardBuilt } from './support/built-dashboard.ts';
import { launchChromium } from './support/chromium.ts';
import { auditScreen } from './support/page-audit.ts';

/**
 * Acting together in Debian's Chromium against a real hub (tests/support/together-neighbourhood.ts):
 * the signal on Now and on the shared screen, the challenge under way and then its result, the
 * salle des fêtes' production with both shares, in French and English, on a phone, a laptop and a
 * TV. The hub and the browser believe it is Saturday 12 December 2026, a red Tempo day, in Paris.
 */
const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, process.env.COMMUNS_SCREENSHOTS_DIR ?? 'test-results/screenshots');
const SIZES = { phone: [390, 844], laptop: [1366, 768], tv: [1920, 1080] } as const;

let th: TestHub;
let hood: TogetherNeighbourhood;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
// the hub's clock: a set instant, moving on with the real one
let hubTime = DURING;
let setAt = Date.now();
const requests: string[] = [];
const problems: string[] = [];

/** Text as a person reads it: any run of spaces (no-break, thin, narrow) is one space. */
const norm = (s: string | null) => (s ?? '').replace(/[\s\u00a0\u202f\u2009]+/g, ' ').trim();

async function open(route: string, lang: 'fr' | 'en', size: keyof typeof SIZES = 'laptop'): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const [width, height] = SIZES[size];
  await page.setViewportSize({ width, height });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror ${route}: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp ${route}: ${m.text()}`);
  });
  await page.clock.setFixedTime(hubTime);
  await page.goto(`${th.httpUrl}${route}${route.includes('?') ? '&' : '?'}lang=${lang}`);
  return page;
}

async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

const text = async (page: Page, selector: string) => norm(await page.locator(selector).first().textContent());

async function moveHubTo(t: number): Promise<void> {
  hubTime = t;
  setAt = Date.now();
  await hood.feed(t);
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  th = await startTestHub({ now: () => hubTime + (Date.now() - setAt) });
  hood = await startTogetherNeighbourhood(th);
  await hood.feed(DURING);
  browser = await launchChromium({ timezoneId: 'Europe/Paris', locale: 'en-GB' });
  context = browser.context;
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to load ${e.blockedURI} (${e.violatedDirective}) Content Security Policy`);
    });
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hood?.stop();
  await th?.stop();
});

describe('acting together in Chromium against a real hub', () => {
  it('Now, during the challenge: the red light in words, the challenge under way, the production', async () => {
    const page = await open('/', 'en');
    const signal = page.locator('communs-now-view communs-signal-light [data-testid="signal"]');
    await expect.poll(() => signal.getAttribute('data-light')).toBe('red');
    const words = norm(await signal.textContent());
    expect(words).toContain('Red: hold back if you can');
    expect(words).toContain('A red Tempo day');
    expect(words).toContain('Until 10:00 PM.');
    expect(words).toContain('Tomorrow: a white Tempo day.');
    expect(words).toContain('From the hub: “Soirée sobre ce soir, de 18 h à 20 h”');

    const challenge = page.locator('communs-challenge-card [data-testid="challenge"]');
    await expect.poll(() => challenge.getAttribute('data-state')).toBe('live');
    await expect
      .poll(() => text(page, 'communs-challenge-card [data-testid="challenge-now"]'), { timeout: 30_000 })
      .toBe('Now: 2.7 kW, usually 3 kW at this hour.');
    expect(norm(await challenge.textContent())).toMatch(
      /Saturday, December 12, 18:00–20:00\. Aim: [-−]10% against a usual Saturday\./,
    );

    // the panels' day so far: 12 kWh, of which 8.5 kWh used here (70.8 %)
    await expect
      .poll(() => text(page, '[data-testid="production-day-consumption"]'), { timeout: 30_000 })
      .toBe('71%');
    expect(await text(page, '[data-testid="production-day"]')).toMatch(
      /^Today 12 kWh produced · [\d.]+ kWh used/,
    );
    expect(await page.locator('communs-error-card').count()).toBe(0);
    await shoot(page, 'together-now-laptop-en');
    await page.close();
  }, 90_000);

  it('the shared screen: the light in its header, and its own view of the challenge and the sun', async () => {
    const page = await open('/screen?every=8', 'fr', 'tv');
    const header = page.locator('communs-screen-view communs-signal-light[compact] [data-testid="signal"]');
    await expect.poll(() => header.getAttribute('data-light')).toBe('red');
    expect(norm(await header.textContent())).toBe('Rouge : levons le pied si possible');
    const screen = page.locator('communs-screen-view');
    await expect.poll(() => screen.getAttribute('data-view'), { timeout: 15_000 }).toBe('together');
    const view = page.locator('communs-together-view');
    await view.locator('[data-testid="production-month-consumption"]').waitFor();
    await view.locator('[data-testid="challenge-now"]').waitFor();
    // read from 3 m: no text under 24 px on a 1920×1080 screen, nothing cut off or out of its card
    await page.waitForTimeout(400);
    const a = await page.evaluate(auditScreen);
    expect(a.view).toBe('together');
    expect(a.smallest?.px, `"${a.smallest?.text}"`).toBeGreaterThanOrEqual(24);
    expect(a.outside).toEqual([]);
    expect(a.spills).toEqual([]);
    const scrollable = await page.evaluate(
      () => document.documentElement.scrollHeight > window.innerHeight + 1,
    );
    expect(scrollable).toBe(false);
    await shoot(page, 'together-screen-tv-fr', false);
    await page.close();
  }, 60_000);

  it('fits a phone, a laptop and a TV in French and English', async () => {
    for (const [size, lang] of [
      ['phone', 'fr'],
      ['phone', 'en'],
      ['laptop', 'fr'],
      ['tv', 'en'],
    ] as const) {
      const page = await open('/', lang, size);
      await page.locator('[data-testid="production-month-consumption"]').waitFor();
      await page.locator('[data-testid="challenge"]').waitFor();
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${size} ${lang}: sideways scroll`).toBeLessThanOrEqual(0);
      expect(await page.locator('communs-error-card').count()).toBe(0);
      await shoot(page, `together-now-${size}-${lang}`);
      await page.close();
    }
  }, 120_000);

  it('after the window: the result card, as computed by hand, in English and French', async () => {
    await moveHubTo(AFTER);
    const end = Date.now() + 40_000;
    for (;;) {
      const { body } = await getJson(`${th.httpUrl}/api/challenges`);
      const c = ChallengesBody.parse(body).challenges[0];
      if (c?.state === 'done' && c.figures) break;
      if (Date.now() > end) throw new Error(`the challenge did not end: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const page = await open('/', 'en');
    await expect
      .poll(() => text(page, '[data-testid="challenge-result"]'))
      .toMatch(/^[-−]13%, 690 Wh saved, ≈ €0\.46, ≈ 36 g of CO₂$/);
    expect(await text(page, '[data-testid="challenge"]')).toContain('Target reached: well done, everyone!');
    await shoot(page, 'together-result-laptop-en');
    await page.getByRole('button', { name: 'Français' }).click();
    await expect
      .poll(() => text(page, '[data-testid="challenge-result"]'))
      .toMatch(/^[-−]13 %, 690 Wh économisés, ≈ 0,46 €, ≈ 36 g de CO₂$/);
    await page.close();
  }, 90_000);

  it('nothing the pages asked for left 127.0.0.1, and the CSP blocked nothing', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((u) => new URL(u).hostname !== '127.0.0.1')).toEqual([]);
    expect(problems).toEqual([]);
  });
});
