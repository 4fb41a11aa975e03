import type { BrowserContext, CDPSession } from 'playwright-core';

/** One look at the page, taken right after a forced garbage collection. */
export interface ScreenSample {
  /** seconds since the first sample */
  atS: number;
  /** the view on screen when the sample was taken */
  view: string;
  /** V8 heap in use, bytes (Runtime.getHeapUsage) */
  heapUsed: number;
  /** Blink's garbage-collected heap in use, bytes (0 where Chromium does not report it) */
  embedderUsed: number;
  /** live DOM nodes and event listeners (Performance.getMetrics) */
  nodes: number;
  listeners: number;
  /** server-sent events received so far */
  sse: number;
}

export interface ScreenHeapResult {
  samples: ScreenSample[];
  /** server-sent events received by the page, by event name */
  sseByName: Record<string, number>;
  /** the first minute of the trend: the ones before it are warm-up (code compiled, buffers filled) */
  trendFrom: number;
  /** the least-squares slope of the heap from minute `trendFrom` on, bytes per hour */
  heapPerHour: number;
  nodesPerHour: number;
}

/** Least-squares slope of ys against xs (per unit of x); 0 with fewer than two points. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] ?? 0;
    sy += ys[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    num += dx * ((ys[i] ?? 0) - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}

const SETTLE_MS = 5_000;

async function sample(cdp: CDPSession, t0: number, sse: number): Promise<ScreenSample> {
  // Two collections: the first may only finalise what the second frees (weak references, DOM wrappers).
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  const view = await cdp.send('Runtime.evaluate', {
    expression:
      "document.querySelector('communs-app')?.shadowRoot?.querySelector('communs-screen-view')?.dataset.view ?? 'none'",
    returnByValue: true,
  });
  return {
    atS: (Date.now() - t0) / 1000,
    view: String(view.result.value),
    heapUsed: heap.usedSize,
    embedderUsed: (heap as { embedderHeapUsedSize?: number }).embedderHeapUsedSize ?? 0,
    nodes: metric('Nodes'),
    listeners: metric('JSEventListeners'),
    sse,
  };
}

/**
 * Leaves `/screen` running against a live hub and samples its heap and DOM once a minute. The
 * rotation is set to `everyS` seconds a view, so with 4 views and 15 s one rotation is one minute
 * and every sample is taken at the same point of it (5 s into the Now view): the figures compare
 * like with like. The page is not throttled: the question is what accumulates, not how fast.
 */
export async function measureScreenHeap(opts: {
  context: BrowserContext;
  baseUrl: string;
  minutes: number;
  everyS: number;
  log?: (line: string) => void;
}): Promise<ScreenHeapResult> {
  const page = await opts.context.newPage();
  const cdp = await opts.context.newCDPSession(page);
  const sseByName: Record<string, number> = {};
  let sse = 0;
  cdp.on('Network.eventSourceMessageReceived', (e) => {
    sse++;
    sseByName[e.eventName] = (sseByName[e.eventName] ?? 0) + 1;
  });
  // The network domain is what reports the stream's events; its buffers for response bodies are
  // kept small, so they weigh on the renderer as little as possible.
  await cdp.send('Network.enable', { maxTotalBufferSize: 1_000_000, maxResourceBufferSize: 100_000 });
  await cdp.send('Performance.enable');
  try {
    await page.goto(`${opts.baseUrl}/screen?every=${opts.everyS}&lang=en`);
    await page.waitForFunction(() => performance.getEntriesByName('communs:now-rendered').length > 0, null, {
      timeout: 60_000,
    });
    await page.waitForTimeout(SETTLE_MS);
    const t0 = Date.now();
    const cycleMs = opts.everyS * 4 * 1000;
    const samples = [await sample(cdp, t0, sse)];
    const rotations = Math.max(1, Math.round(60_000 / cycleMs));
    for (let k = 1; k <= opts.minutes; k++) {
      // absolute deadlines: the time a sample takes does not shift the next one's phase
      const wait = t0 + k * rotations * cycleMs - Date.now();
      if (wait > 0) await page.waitForTimeout(wait);
      const s = await sample(cdp, t0, sse);
      samples.push(s);
      opts.log?.(
        `  /screen minute ${k}: heap ${(s.heapUsed / 1_048_576).toFixed(2)} MiB, ${s.nodes} nodes, ${s.sse} events, view ${s.view}`,
      );
    }
    // The first minutes compile code and fill the browser's bounded buffers (resource timing keeps
    // 250 entries): the trend is taken over the second half, where a leak would be what is left.
    const trendFrom = Math.max(1, Math.floor(opts.minutes / 2));
    const later = samples.slice(trendFrom);
    const hours = later.map((s) => s.atS / 3600);
    return {
      samples,
      sseByName,
      trendFrom,
      heapPerHour: slope(
        hours,
        later.map((s) => s.heapUsed),
      ),
      nodesPerHour: slope(
        hours,
        later.map((s) => s.nodes),
      ),
    };
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}
