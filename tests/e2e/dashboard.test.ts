import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { ensureDashboardBuilt } from './support/built-dashboard.ts';
import { launchChromium } from './support/chromium.ts';
import { POWER_CARD, POWER_SHOWN } from './support/power-card.ts';
import { type Feeder, feedNeighbourhood } from './support/small-neighbourhood.ts';

/**
 * The dashboard in Debian's Chromium against a real hub: live figure, history
 * chart, language switch, kiosk rotation and recovery, private links, and no request that leaves
 * 127.0.0.1. Screenshots of every view are written as a by-product (see `shots`).
 */
const root = path.resolve(import.meta.dirname, '../..');
// Every run writes its screenshots to test-results/screenshots (git-ignored); `npm run screenshots`
// writes them over the committed set in docs/screenshots that the README shows.
const shots = path.join(root, process.env.COMMUNS_SCREENSHOTS_DIR ?? 'test-results/screenshots');
// The demo neighbourhood (firmware/demo) is the real thing; until it exists, a small fed one stands in.
const demoAvailable = fs.existsSync(path.join(root, 'firmware/demo/demo.ts'));

let th: TestHub;
let feeder: Feeder | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const requests: string[] = [];
const problems: string[] = [];

async function open(p: string, opts: { locale?: 'en' | 'fr' } = {}): Promise<Page> {
  const page = await context.newPage();
  // A step that cannot happen should fail with its own message, not hang until the test times out.
  page.setDefaultTimeout(30_000);
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror ${p}: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp ${p}: ${m.text()}`);
    // the production build only: Lit's development exports are bigger and say so in the console
    if (/dev mode/i.test(m.text())) problems.push(`dev build ${p}: ${m.text()}`);
  });
  const sep = p.includes('?') ? '&' : '?';
  await page.goto(`${th.httpUrl}${p}${opts.locale ? `${sep}lang=${opts.locale}` : ''}`);
  return page;
}

async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  th = await startTestHub({ demo: demoAvailable ? 6 : false });
  if (!demoAvailable) feeder = await feedNeighbourhood(th);
  // the demo brings its nodes up one after another, each after writing its history: let it finish,
  // so the pages are measured against a hub that is not busy backfilling
  const until = Date.now() + 120_000;
  while (demoAvailable && !th.log.some((l) => l.includes('backfilled'))) {
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await launchChromium();
  context = browser.context;
  // Violations are reported in the page: collect them where the test can read them.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to load ${e.blockedURI} (${e.violatedDirective}) Content Security Policy`);
    });
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await feeder?.stop();
  await th?.stop();
});

describe('dashboard in Chromium against a real hub', () => {
  it('Now shows the live collective figure, or why this minute it is withheld, renewed as readings arrive', async () => {
    const page = await open('/', { locale: 'en' });
    const figure = page.locator(POWER_CARD);
    await expect
      .poll(async () => (await figure.textContent())?.replace(/\s+/g, ' ').trim(), { timeout: 20_000 })
      .toMatch(POWER_SHOWN);
    const firstTs = await figure.getAttribute('data-ts');
    expect(Number(firstTs)).toBeGreaterThan(Date.now() - 5 * 60_000);
    // a newer live aggregate replaces the figure: its timestamp moves on, a minute at a time (the
    // live figure is the newest minute the privacy rule decided: docs/PRIVACY.md)
    await expect.poll(() => figure.getAttribute('data-ts'), { timeout: 80_000 }).not.toBe(firstTs);
    await expect(page.locator('communs-live-status').getAttribute('state')).resolves.toBe('live');
    await page
      .locator('communs-now-view communs-chart canvas')
      .waitFor({ timeout: 30_000 })
      .catch(async (e) => {
        await page.screenshot({ path: '/tmp/now-fail.png', fullPage: true });
        throw e;
      });
    await shoot(page, 'now');
    await page.close();
  }, 120_000);

  it('the history chart draws a year of monthly bars and downloads what it shows as CSV', async () => {
    const page = await open('/history?range=year&series=collective/energy', { locale: 'en' });
    await page.waitForFunction(() => performance.getEntriesByName('communs:chart-drawn').length > 0, null, {
      timeout: 20_000,
    });
    await expect(page.locator('communs-bar-chart caption').textContent()).resolves.toMatch(
      /^Neighbourhood · Energy, \d{4} \(kWh per month\)$/,
    );
    await expect(page.locator('communs-bar-chart .labels li').count()).resolves.toBe(12);
    await expect(
      page.locator('communs-history-view button[aria-pressed="true"]').textContent(),
    ).resolves.toContain('Year');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download what is shown/ }).click(),
    ]);
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toBe('series,unit,ts,iso_time,value,cost,currency');
    expect(csv.split('\n')[1]).toMatch(/^collective\/energy,kWh,\d+,\d{4}-.*Z,[\d.]+,[\d.]+,EUR$/);
    expect(download.suggestedFilename()).toMatch(/^communs-collective-energy-year-\d{4}-01-01\.csv$/);
    await shoot(page, 'history');
    await page.close();
  }, 60_000);

  it('the language switch changes the text and the number format', async () => {
    const page = await open('/', { locale: 'en' });
    await expect.poll(() => page.locator('communs-now-view h2').textContent()).toBe('The neighbourhood, now');
    await page.getByRole('button', { name: 'Français' }).click();
    await expect
      .poll(() => page.locator('communs-now-view h2').textContent())
      .toBe('Le quartier, maintenant');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('fr');
    await expect(page.getByRole('navigation').textContent()).resolves.toContain('Historique');
    // the chart's axes follow: French writes the hours of the day as 0–23
    await expect
      .poll(() => page.locator('communs-now-view communs-chart figcaption').textContent())
      .toMatch(/^Puissance collective\u00a0:/);
    // French: decimal comma, no-break space before the unit, never an English decimal point (from
    // 01:00: before, no hour of today is counted and the card says so)
    if (new Date().getHours() > 0) {
      const figure = (await page.locator('[data-testid="today-energy"]').textContent())?.trim() ?? '';
      expect(figure).toMatch(/^[\d\u202f]+(,\d+)?\u00a0[kM]?Wh$/);
    } else {
      await expect(
        page.locator('communs-now-view section[aria-labelledby="today-h"]').textContent(),
      ).resolves.toContain('Rien de compté pour l’instant');
    }
    await page.waitForTimeout(300);
    await shoot(page, 'now-fr');
    // the choice is remembered for the next visit (no ?lang= this time: the saved choice decides)
    await page.goto(`${th.httpUrl}/`);
    await expect
      .poll(() => page.locator('communs-now-view h2').textContent())
      .toBe('Le quartier, maintenant');
    await page.getByRole('button', { name: 'English' }).click();
    await page.close();
  }, 60_000);

  it('is usable from the keyboard: skip link first, then the navigation, links marked current', async () => {
    const page = await open('/nodes', { locale: 'en' });
    await page.locator('communs-nodes-view h2').waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = document.querySelector('communs-app')?.shadowRoot?.activeElement;
        return el
          ? `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}:${el.textContent?.trim()}`
          : '';
      });
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('a.skip:Skip to content');
    await page.keyboard.press('Enter');
    await expect(focused()).resolves.toMatch(/^main:/);
    await page.keyboard.press('Shift+Tab');
    await expect(focused()).resolves.toBe('a:Shared screen');
    await expect(page.getByRole('link', { name: 'Sensors' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    await expect(page.getByRole('navigation').count()).resolves.toBe(1);
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await page.close();
  }, 30_000);

  it('environment, nodes, register and footprint views render without an error card', async () => {
    for (const [route, name, selector] of [
      ['/environment', 'environment', 'communs-environment-view section.card'],
      ['/nodes', 'nodes', 'communs-nodes-view tbody tr'],
      ['/register', 'register', 'communs-register-view tbody tr'],
      ['/footprint', 'footprint', '[data-testid="footprint-headline"]'],
    ] as const) {
      const page = await open(route, { locale: 'en' });
      await page.locator(selector).first().waitFor({ timeout: 20_000 });
      expect(await page.locator('communs-error-card').count(), route).toBe(0);
      await shoot(page, name);
      await page.close();
    }
  }, 90_000);

  it('/screen rotates through the views with no scrollbars, in the kiosk theme', async () => {
    const page = await open('/screen?every=3', { locale: 'en' });
    const screen = page.locator('communs-screen-view');
    await expect.poll(() => screen.getAttribute('data-view')).toBe('now');
    await page.locator('communs-now-view communs-chart canvas').waitFor();
    // screen.png, the README's picture, is taken at 1920×1080 by dashboard-residents.test.ts
    await expect.poll(() => screen.getAttribute('data-view'), { timeout: 10_000 }).toBe('environment');
    await expect.poll(() => screen.getAttribute('data-view'), { timeout: 10_000 }).toBe('history');
    const layout = await page.evaluate(() => ({
      theme: document.documentElement.dataset.theme,
      scrollable: document.documentElement.scrollHeight > window.innerHeight + 1,
      overflow: getComputedStyle(document.documentElement).overflow,
    }));
    expect(layout).toEqual({ theme: 'kiosk', scrollable: false, overflow: 'hidden' });
    await page.close();
  }, 60_000);

  it('/screen says it is reconnecting while the hub restarts, then comes back live by itself', async () => {
    const page = await open('/screen?every=600', { locale: 'en' });
    const status = page.locator('communs-now-view communs-live-status');
    await expect.poll(() => status.getAttribute('state'), { timeout: 15_000 }).toBe('live');
    // The hub runs in this process and restarting it keeps the event loop busy, so the states are
    // recorded inside the page, which keeps running meanwhile.
    await page.evaluate(() => {
      const deep = (root: ParentNode, sel: string[]): Element | null => {
        let node: ParentNode | null = root;
        for (const s of sel)
          node = (node?.querySelector(s)?.shadowRoot ?? node?.querySelector(s)) as ParentNode | null;
        return node as Element | null;
      };
      const seen: string[] = [];
      (window as unknown as { liveStates: string[] }).liveStates = seen;
      const record = () => {
        const el = deep(document, ['communs-app', 'communs-screen-view', 'communs-now-view']);
        const state = el?.querySelector('communs-live-status')?.getAttribute('state') ?? 'none';
        if (seen.at(-1) !== state) seen.push(state);
      };
      // the state now, before the restart below can begin: a page that sees the hub go within the
      // first 20 ms would otherwise start its record at "reconnecting"
      record();
      setInterval(record, 20);
    });
    await th.restart();
    if (!demoAvailable) {
      await feeder?.stop();
      feeder = await feedNeighbourhood(th);
    }
    await expect.poll(() => status.getAttribute('state'), { timeout: 40_000 }).toBe('live');
    const states = await page.evaluate(() => (window as unknown as { liveStates: string[] }).liveStates);
    expect(states.join(' → ')).toContain('live → reconnecting');
    await expect
      .poll(async () => (await page.locator(POWER_CARD).first().textContent())?.replace(/\s+/g, ' ').trim(), {
        timeout: 20_000,
      })
      .toMatch(POWER_SHOWN);
    await page.close();
  }, 120_000);

  it("a household's private detail is not reachable without its link", async () => {
    const privateNames = th.hub.store.registry
      .listHouseholds()
      .filter((h) => h.sharing === 'private')
      .map((h) => h.name);
    expect(privateNames.length).toBeGreaterThan(0);
    for (const route of ['/', '/nodes', '/register', '/environment']) {
      const page = await open(route, { locale: 'en' });
      await page.waitForTimeout(1500);
      const text = await page.locator('communs-app').evaluate((el) => {
        // the visible text of every shadow root, in document order
        const walk = (n: Node): string =>
          (n instanceof Element && n.shadowRoot ? walk(n.shadowRoot) : '') +
          (n.nodeType === Node.TEXT_NODE ? (n.textContent ?? '') : '') +
          [...n.childNodes].map(walk).join('');
        return walk(el);
      });
      for (const name of privateNames) expect(text, `${name} on ${route}`).not.toContain(name);
      await page.close();
    }
    const page = await open(`/h/${'x'.repeat(44)}`, { locale: 'en' });
    await page.locator('[data-testid="household-denied"]').waitFor({ timeout: 15_000 });
    await expect(page.locator('communs-household-view h2').textContent()).resolves.toBe(
      'This private link does not open',
    );
    await shoot(page, 'household-denied');
    await page.close();
  }, 90_000);

  it('History and the household page fit a phone, a laptop and a TV, in French and English', async () => {
    const home = th.hub.store.registry
      .listHouseholds()
      .find(
        (h) =>
          h.sharing === 'private' && th.hub.store.registry.listNodes().some((n) => n.household_id === h.id),
      );
    const token = /\/h\/([A-Za-z0-9_-]+)/.exec((await th.run(`household link ${home?.id}`)).output)?.[1];
    const sizes = { phone: [390, 844], laptop: [1366, 768], tv: [1920, 1080] } as const;
    for (const [route, name, size, lang, selector] of [
      ['/history?range=week', 'history-week-fr', 'laptop', 'fr', '[data-testid="period-total"]'],
      ['/history?range=month', 'history-month-phone-fr', 'phone', 'fr', '[data-testid="period-total"]'],
      ['/history?range=week', 'history-week-tv-en', 'tv', 'en', '[data-testid="period-total"]'],
      ['/history?range=day', 'history-day-phone-en', 'phone', 'en', '[data-testid="period-total"]'],
      [`/h/${token}`, 'household-fr', 'laptop', 'fr', '[data-testid="household-total"]'],
      [`/h/${token}`, 'household-phone-fr', 'phone', 'fr', '[data-testid="household-total"]'],
      [`/h/${token}`, 'household-phone-en', 'phone', 'en', '[data-testid="household-total"]'],
      [`/h/${token}`, 'household-tv-en', 'tv', 'en', '[data-testid="household-total"]'],
    ] as const) {
      const page = await open(route, { locale: lang });
      const [width, height] = sizes[size];
      await page.setViewportSize({ width, height });
      const figures = lang === 'fr' ? /kWh · ≈\s[\d\s]+,\d\d\s€/ : /kWh · ≈\s€[\d,]+\.\d\d/;
      // in the first hours of a day, week or month no hour of it may have been counted yet
      const range = route.startsWith('/h/') ? 'week' : (/range=(\w+)/.exec(route)?.[1] ?? 'day');
      const early = Date.now() - localStartOf(range) < 2 * 3_600_000;
      const noneYet = lang === 'fr' ? /^Rien de compté pour l’instant/ : /^Nothing counted yet/;
      await expect
        .poll(async () => (await page.locator(selector).textContent())?.trim(), { timeout: 20_000 })
        .toMatch(early ? new RegExp(`${figures.source}|${noneYet.source}`) : figures);
      await page.waitForTimeout(300);
      // nothing runs off the side of a phone
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name}: sideways scroll`).toBeLessThanOrEqual(0);
      expect(await page.locator('communs-error-card').count(), name).toBe(0);
      await shoot(page, name);
      await page.close();
    }
  }, 120_000);

  it("a household's link opens its private detail, and stops working once revoked", async () => {
    const home = th.hub.store.registry
      .listHouseholds()
      .find(
        (h) =>
          h.sharing === 'private' && th.hub.store.registry.listNodes().some((n) => n.household_id === h.id),
      );
    if (!home) throw new Error('the neighbourhood has no private household with a node');
    const issued = await th.run(`household link ${home.id}`);
    expect(issued.code).toBe(0);
    const token = /\/h\/([A-Za-z0-9_-]+)/.exec(issued.output)?.[1];
    if (!token) throw new Error(`no link in: ${issued.output}`);
    const page = await open(`/h/${token}`, { locale: 'en' });
    await expect
      .poll(() => page.locator('communs-household-view h2').textContent(), { timeout: 20_000 })
      .toBe(`Your household: ${home.name}`);
    await page.locator('communs-household-view communs-bar-chart').first().waitFor({ timeout: 20_000 });
    await shoot(page, 'household');
    expect((await th.run(`household unlink ${home.id}`)).code).toBe(0);
    await page.reload();
    await page.locator('[data-testid="household-denied"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('communs-household-view').textContent()).not.toContain(home.name);
    await page.close();
  }, 60_000);

  it('nothing the pages asked for left 127.0.0.1, and the CSP blocked nothing', () => {
    expect(requests.length).toBeGreaterThan(20);
    const outside = requests.filter((u) => {
      const url = new URL(u.startsWith('blob:') ? u.slice(5) : u);
      return url.hostname !== '127.0.0.1';
    });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** The start of the day, ISO week or month under way, in this process's time zone (the hub's and Chromium's). */
function localStartOf(range: string): number {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  if (range === 'week') d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  if (range === 'month') d.setDate(1);
  return d.getTime();
}
