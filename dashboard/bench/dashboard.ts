import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { ensureDashboardBuilt } from '../../tests/e2e/support/built-dashboard.ts';
import { launchChromium } from '../../tests/e2e/support/chromium.ts';
import { startTestHub } from '../../tests/support/test-hub.ts';

/**
 * The dashboard's budget on an old, slow screen (issue 4): total JavaScript gzipped (≤ 60 KB), time
 * to the first rendered Now view with Chromium's CPU throttled 4× (≤ 1.5 s), and the time to draw a
 * year chart. Against a real hub with the demo neighbourhood, on loopback.
 *   npm run bench:dashboard [-- --runs 5]
 */
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const THROTTLE = 4;
const dist = path.resolve(import.meta.dirname, '../dist');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function jsSizes(): { raw: number; gzip: number; files: number } {
  const assets = path.join(dist, 'assets');
  let raw = 0;
  let gzip = 0;
  let files = 0;
  for (const f of fs.readdirSync(assets).filter((n) => n.endsWith('.js'))) {
    const buf = fs.readFileSync(path.join(assets, f));
    raw += buf.length;
    gzip += zlib.gzipSync(buf, { level: 9 }).length;
    files++;
  }
  return { raw, gzip, files };
}

async function waitForDemo(httpUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const body = (await fetch(`${httpUrl}/api/series?quantity=power`).then((r) => r.json())) as {
      withheld?: string;
      points?: { t: number[] };
    };
    if (!body.withheld && (body.points?.t.length ?? 0) > 10) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('the demo neighbourhood did not produce a collective power curve within 2 minutes');
}

/** Loads `url` in a fresh page with the cache off and the CPU throttled; returns the page once `mark` exists. */
async function throttledLoad(page: Page, url: string, mark: string): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  await page.goto(url);
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 60_000 });
  return page.evaluate((m) => performance.getEntriesByName(m)[0]?.startTime ?? Number.NaN, mark);
}

await ensureDashboardBuilt();
const size = jsSizes();
const th = await startTestHub({ demo: 6 });
const browser = await launchChromium({ width: 1280, height: 800 });
try {
  await waitForDemo(th.httpUrl);
  const nowMs: number[] = [];
  const fcpMs: number[] = [];
  const yearMs: number[] = [];
  const drawMs: number[] = [];
  let yearPoints = 0;
  const synthetic: Record<number, number[]> = { 365: [], 2000: [], 8760: [] };
  // one discarded round: the demo's first minutes and Chromium's first start are not the steady state
  for (let i = -1; i < RUNS; i++) {
    const page = await browser.context.newPage();
    nowMs.push(await throttledLoad(page, `${th.httpUrl}/?lang=en`, 'communs:now-rendered'));
    fcpMs.push(
      await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      ),
    );
    await page.close();

    const chart = await browser.context.newPage();
    yearMs.push(
      await throttledLoad(
        chart,
        `${th.httpUrl}/history?range=year&series=collective/energy`,
        'communs:chart-drawn',
      ),
    );
    const { build, drawn, points } = await chart.evaluate(() => {
      const b = performance.getEntriesByName('communs:chart-build').at(-1);
      const d = performance.getEntriesByName('communs:chart-drawn').at(-1) as PerformanceMark | undefined;
      return {
        build: b?.startTime ?? 0,
        drawn: d?.startTime ?? 0,
        points: (d?.detail as { points: number })?.points,
      };
    });
    // The demo backfills weeks, not a year: also draw full years of synthetic daily and hourly
    // points in the same throttled page (2,000 ≈ two points per pixel on a wide screen).
    for (const n of Object.keys(synthetic).map(Number)) {
      const ms = await chart.evaluate(async (count) => {
        const el = document.createElement('communs-chart');
        const start = Date.now() - 365 * 86_400_000;
        const step = (365 * 86_400_000) / count;
        el.t = Array.from({ length: count }, (_, k) => start + k * step);
        el.values = Array.from({ length: count }, (_, k) => 40_000 + 20_000 * Math.sin(k / 30));
        el.unit = 'Wh';
        el.label = 'synthetic';
        el.style.width = '1200px';
        const t0 = performance.now();
        const drawn = new Promise<void>((resolve) =>
          el.addEventListener('chart-drawn', () => resolve(), { once: true }),
        );
        document.body.append(el);
        await drawn;
        const took = performance.now() - t0;
        el.remove();
        return took;
      }, n);
      if (i >= 0) synthetic[n]?.push(ms);
    }
    if (i < 0) {
      nowMs.pop();
      fcpMs.pop();
      yearMs.pop();
    } else {
      drawMs.push(drawn - build);
    }
    yearPoints = points;
    await chart.close();
  }
  const r = (x: number) => Math.round(x);
  console.log(
    `dashboard bench (${RUNS} runs, medians; Chromium CPU throttled ${THROTTLE}×, cache off, loopback hub with demo)`,
  );
  console.log(
    `  JavaScript: ${size.files} file(s), ${(size.raw / 1024).toFixed(1)} KB raw, ${(size.gzip / 1024).toFixed(1)} KB gzipped (budget 60 KB)`,
  );
  console.log(`  first contentful paint:        ${r(median(fcpMs))} ms`);
  console.log(
    `  first rendered Now view:       ${r(median(nowMs))} ms (budget 1500 ms)  [${nowMs.map(r).join(', ')}]`,
  );
  console.log(`  year chart drawn (navigation): ${r(median(yearMs))} ms  [${yearMs.map(r).join(', ')}]`);
  console.log(`  year chart build → drawn:      ${r(median(drawMs))} ms for ${yearPoints} points`);
  for (const [n, xs] of Object.entries(synthetic)) {
    console.log(`  synthetic year, ${n.padStart(4)} points: ${r(median(xs))} ms from element to drawn chart`);
  }
} finally {
  await browser.close();
  await th.stop();
}
