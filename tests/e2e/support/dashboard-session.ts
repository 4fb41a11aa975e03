import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../../support/test-hub.ts';
import { ensureDashboardBuilt } from './built-dashboard.ts';
import { launchChromium } from './chromium.ts';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * What a browser test of the dashboard needs: a real hub in this process with the demo
 * neighbourhood (backfilled), Debian's Chromium with a fresh profile, and pages that record every
 * request and every CSP or script problem. Screenshots go to test-results/screenshots, or to
 * COMMUNS_SCREENSHOTS_DIR (`npm run screenshots` writes docs/screenshots).
 */
export interface DashboardSession {
  th: TestHub;
  context: BrowserContext;
  /** every URL the pages asked for */
  requests: string[];
  /** CSP refusals, page errors, a development build */
  problems: string[];
  open(p: string, opts?: { locale?: 'en' | 'fr'; width?: number; height?: number }): Promise<Page>;
  shoot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

export const SHOTS = path.join(root, process.env.COMMUNS_SCREENSHOTS_DIR ?? 'test-results/screenshots');

export async function startDashboardSession(opts: { demo?: number | false } = {}): Promise<DashboardSession> {
  await ensureDashboardBuilt();
  const demo = opts.demo ?? 6;
  const th = await startTestHub({ demo });
  // the demo brings its nodes up one after another, each after writing its history: let it finish
  const until = Date.now() + 120_000;
  while (demo && !th.log.some((l) => l.includes('backfilled')) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const browser = await launchChromium();
  const requests: string[] = [];
  const problems: string[] = [];
  await browser.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to load ${e.blockedURI} (${e.violatedDirective}) Content Security Policy`);
    });
  });
  return {
    th,
    context: browser.context,
    requests,
    problems,
    async open(p, o = {}) {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(30_000);
      if (o.width) await page.setViewportSize({ width: o.width, height: o.height ?? 800 });
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => problems.push(`pageerror ${p}: ${e.message}`));
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp ${p}: ${m.text()}`);
        if (/dev mode/i.test(m.text())) problems.push(`dev build ${p}: ${m.text()}`);
      });
      const sep = p.includes('?') ? '&' : '?';
      await page.goto(`${th.httpUrl}${p}${o.locale ? `${sep}lang=${o.locale}` : ''}`);
      return page;
    },
    async shoot(page, name, fullPage = true) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
    },
    async close() {
      await browser.close();
      await th.stop();
    },
  };
}
