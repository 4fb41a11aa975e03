import type { BrowserContext } from 'playwright-core';
import { WireBytes } from './wire-bytes.ts';

/** A network profile for Chromium's DevTools network emulation (CDP Network.emulateNetworkConditions). */
export interface NetworkProfile {
  name: string;
  /** added to every request, from sent to response headers */
  latencyMs: number;
  downKbps: number;
  upKbps: number;
}

/**
 * "Slow 3G": 400 kbit/s each way and 400 ms of round trip, the figures DevTools' own "Slow 3G"
 * preset starts from (and WebPageTest's "3G Slow"). The preset then multiplies the latency by 5
 * and adds it to every request (2 s), to stand for connection set-up: a page whose figures need
 * the HTML, then the script, then the API cannot show them under 6 s that way, whatever it weighs.
 * Both are measured; the budget is read on the first.
 */
export const SLOW_3G: NetworkProfile = {
  name: 'slow 3G (400 kbit/s, 400 ms)',
  latencyMs: 400,
  downKbps: 400,
  upKbps: 400,
};
export const DEVTOOLS_SLOW_3G: NetworkProfile = {
  name: 'DevTools "Slow 3G" preset (400 kbit/s, 2 s per request)',
  latencyMs: 2000,
  downKbps: 400,
  upKbps: 400,
};

export interface PhoneLoad {
  /** navigation → the collective figure on screen (`communs:now-rendered`) */
  nowMs: number;
  fcpMs: number;
  /** bytes received (headers included) by the time the figure is on screen */
  bytesAtNow: number;
  /** bytes received once the whole view (chart, air line) has loaded and the page went quiet */
  bytesSettled: number;
}

/**
 * Loads the Now view as a phone on a slow network would: 390×844 at 3× pixel density, CPU 4×
 * slower, cache off, the network shaped by `profile`. Returns when the page has gone quiet.
 */
export async function loadAsSlowPhone(
  context: BrowserContext,
  url: string,
  profile: NetworkProfile,
  cpuThrottle = 4,
): Promise<PhoneLoad> {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    const wire = new WireBytes();
    cdp.on('Network.requestWillBeSent', (e) => wire.sent(e));
    cdp.on('Network.dataReceived', (e) => wire.received(e));
    cdp.on('Network.loadingFinished', (e) => wire.finished(e));
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.latencyMs,
      downloadThroughput: (profile.downKbps * 1000) / 8,
      uploadThroughput: (profile.upKbps * 1000) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuThrottle });
    await cdp.send('Emulation.setDeviceMetricsOverride', {
      width: 390,
      height: 844,
      deviceScaleFactor: 3,
      mobile: true,
    });
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    const mark = 'communs:now-rendered';
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 120_000 });
    const { nowMs, fcpMs } = await page.evaluate(
      (m) => ({
        nowMs: performance.getEntriesByName(m)[0]?.startTime ?? Number.NaN,
        fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      }),
      mark,
    );
    // the rest of the view: the 24-hour curve drawn, then quiet for 2 s (live events aside, which
    // keep coming: they are counted up to that point)
    await page.waitForFunction(() => performance.getEntriesByName('communs:chart-drawn').length > 0, null, {
      timeout: 120_000,
    });
    const quietSince = Date.now();
    let last = wire.total;
    while (Date.now() - quietSince < 30_000) {
      await page.waitForTimeout(2000);
      if (wire.total - last < 2000) break;
      last = wire.total;
    }
    return { nowMs, fcpMs, bytesAtNow: wire.until(nowMs), bytesSettled: wire.total };
  } finally {
    await page.close();
  }
}
