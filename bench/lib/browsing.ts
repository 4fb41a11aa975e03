import http from 'node:http';
import {
  comparisonWindows,
  type Period,
  periodContaining,
  slotOf,
} from '../../dashboard/src/model/history-period.ts';
import { chooseStep, type HistoryRange } from '../../dashboard/src/model/history-range.ts';

/** One request's round trip, up to the last byte of the body. */
export interface Sample {
  /** `chart`: /api/series; `cost`: /api/cost; `api`: the other JSON endpoints; `page`: the page and its assets */
  kind: 'chart' | 'cost' | 'api' | 'page';
  label: string;
  ms: number;
  /** when it was sent (Date.now()) */
  at: number;
}

/** What every simulated browser of a run records, together. */
export class Traffic {
  readonly samples: Sample[] = [];
  readonly errors = new Map<string, number>();
  /** Server-Sent Events streams of /api/live: opened, events received, time to their first byte */
  readonly live = { opened: 0, events: 0, firstByteMs: [] as number[] };

  error(what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }
}

const TIMEOUT_MS = 30_000;
const DAY = 86_400_000;
/** the Now view's hourly energy: today and the same weekday of the last 4 weeks, one request */
const NOW_ENERGY_SPAN = (4 * 7 + 1) * DAY;

/**
 * One simulated browser on the dashboard: node:http with a keep-alive pool of 6 connections (as a
 * browser keeps per host), no cache for the API (the dashboard asks `no-store`), the page's hashed
 * assets fetched once. The request pattern is that of the dashboard's views (dashboard/src/components),
 * reproduced here rather than run in Chromium: a browser per resident would cost the 2 cores more
 * than the hub under test.
 */
export class Browser {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  private readonly base: string;
  private readonly traffic: Traffic;
  private readonly streams = new Set<http.ClientRequest>();

  constructor(opts: { base: string; traffic: Traffic }) {
    this.base = opts.base;
    this.traffic = opts.traffic;
  }

  /** GET `path`; the body, or undefined after an error (counted, never thrown). */
  get(path: string, label: string): Promise<string | undefined> {
    const kind: Sample['kind'] = path.startsWith('/api/series')
      ? 'chart'
      : path.startsWith('/api/cost')
        ? 'cost'
        : path.startsWith('/api/')
          ? 'api'
          : 'page';
    const t0 = performance.now();
    const at = Date.now();
    return new Promise((resolve) => {
      const fail = (what: string) => {
        this.traffic.error(`${label}: ${what}`);
        resolve(undefined);
      };
      let answered = false;
      const req = http.get(`${this.base}${path}`, { agent: this.agent, timeout: TIMEOUT_MS }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const body = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}`);
          if (kind !== 'page' && !body.startsWith('{"status":"ok"')) return fail('not {"status":"ok"}');
          this.traffic.samples.push({ kind, label, ms, at });
          resolve(body);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // a kept-alive connection the hub closed as it was reused: a browser sends the request again
        if (req.reusedSocket && !answered && err.code === 'ECONNRESET') resolve(this.get(path, label));
        else fail(err.code ?? err.message);
      });
    });
  }

  /** The page at `path`, then what it links to (script, style sheet, icon), as a first visit loads it. */
  async loadPage(path: string): Promise<void> {
    const html = await this.get(path, 'page (index.html)');
    const assets = [...(html ?? '').matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] as string);
    await Promise.all(assets.map((a) => this.get(a, 'page assets (script, styles, icon)')));
  }

  /** Opens /api/live as the views' EventSource does; returns the function that closes it. */
  openLive(): () => void {
    const t0 = performance.now();
    let rest = '';
    const req = http.get(`${this.base}/api/live`, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        this.traffic.error(`live: HTTP ${res.statusCode}`);
        res.resume();
        return;
      }
      this.traffic.live.opened++;
      let first = true;
      res.on('data', (c: Buffer) => {
        if (first) this.traffic.live.firstByteMs.push(performance.now() - t0);
        first = false;
        const blocks = (rest + c.toString()).split('\n\n');
        rest = blocks.pop() ?? '';
        for (const b of blocks) if (b.startsWith('event: ')) this.traffic.live.events++;
      });
      res.on('end', () => {
        if (this.streams.has(req)) this.traffic.error('live: stream closed by the hub');
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (this.streams.has(req)) this.traffic.error(`live: ${err.code ?? err.message}`);
    });
    this.streams.add(req);
    return () => {
      this.streams.delete(req);
      req.destroy();
    };
  }

  close(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    this.agent.destroy();
  }
}

function seriesPath(what: { sensor: string } | { quantity: string }, from: number, to: number, step: string) {
  const q = new URLSearchParams({ ...what, from: String(from), to: String(to), step });
  return `/api/series?${q}`;
}

function costPath(what: { quantity: string } | { sensor: string }, from: number, to: number, bucket: string) {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const q = new URLSearchParams({ ...what, from: String(from), to: String(to), bucket, tz });
  return `/api/cost?${q}`;
}

/**
 * The Now view's loads (communs-now-view.ts and its communs-cost-today.ts), on a window `width`
 * pixels wide: the day's power, four weeks of hourly energy, the nodes, today's cost so far and the
 * settings (the tariff's colour of the day).
 */
function nowView(b: Browser, width: number): Promise<unknown> {
  const now = Date.now();
  return Promise.all([
    b.get(
      seriesPath({ quantity: 'power' }, now - DAY, now, chooseStep(DAY, width)),
      'chart: collective power, day (Now)',
    ),
    b.get(
      seriesPath({ quantity: 'energy' }, now - NOW_ENERGY_SPAN, now, 'hour'),
      'chart: collective energy, 4 weeks by hour (Now)',
    ),
    b.get('/api/nodes', '/api/nodes'),
    b.get(
      costPath({ quantity: 'energy' }, periodContaining('day', now).start, now, 'none'),
      'cost: the neighbourhood today (Now)',
    ),
    b.get('/api/settings', '/api/settings'),
  ]);
}

/**
 * One chart of the History view (communs-history-view.ts) on the calendar period of `range` under
 * way: an energy series is priced (/api/cost by slot, and the totals of the previous period and of
 * the same period a year before, cut to the same point); any other is a line (/api/series, its step
 * chosen from the view's width: the window's less margins).
 */
function historyChart(b: Browser, width: number, series: string, range: HistoryRange) {
  const now = Date.now();
  const period: Period = periodContaining(range, now);
  const collective = series.startsWith('collective/');
  const name = collective ? series.replace('/', ' ') : series.endsWith('/e') ? 'one meter' : 'one series';
  if (series === 'collective/energy' || series.endsWith('/e')) {
    const what = collective ? { quantity: 'energy' } : { sensor: series };
    const c = comparisonWindows(period, now);
    const totals = [c.previous, ...(c.lastYear ? [c.lastYear] : [])].filter((w) => w.to > w.from);
    return Promise.all([
      b.get(costPath(what, period.start, period.end, slotOf(range)), `cost: ${name}, ${range} (History)`),
      ...totals.map((w) => b.get(costPath(what, w.from, w.to, 'none'), 'cost: a comparison total (History)')),
    ]);
  }
  const step =
    range === 'day'
      ? chooseStep(period.end - period.start, Math.max(320, Math.min(width - 64, 1600)))
      : range === 'year'
        ? 'day'
        : 'hour';
  const what = collective ? { quantity: series.slice('collective/'.length) } : { sensor: series };
  return b.get(
    seriesPath(what, period.start, Math.min(period.end, now), step),
    `chart: ${name}, ${range} (History)`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The shared screen (`/screen`, communs-screen-view.ts) on a 1920-pixel-wide display: Now,
 * Environment, History (collective energy, week) and Footprint, `everyMs` each, every view created
 * afresh on its turn (so it loads again), the live stream open while Now or Environment shows, and
 * once per rotation the page itself (the check for a new build).
 */
export async function runScreen(b: Browser, until: number, everyMs = 20_000): Promise<void> {
  const width = 1920;
  await b.loadPage('/screen');
  for (let turn = 0; Date.now() < until; turn++) {
    const slotEnd = Math.min(until, Date.now() + everyMs);
    const view = turn % 4;
    const closeLive = view <= 1 ? b.openLive() : undefined;
    const now = Date.now();
    if (view === 0) {
      if (turn > 0) await b.get('/', 'page (index.html)');
      await nowView(b, width);
    } else if (view === 1) {
      // the environment view asks one series per environment sensor: these households have none
      await b.get('/api/nodes', '/api/nodes');
    } else if (view === 2) {
      await Promise.all([
        b.get('/api/nodes', '/api/nodes'),
        historyChart(b, width, 'collective/energy', 'week'),
      ]);
    } else {
      await Promise.all([
        b.get('/api/settings', '/api/settings'),
        b.get('/api/nodes', '/api/nodes'),
        b.get(
          seriesPath({ quantity: 'energy' }, now - 365 * DAY, now, 'day'),
          'chart: collective energy, year by day (Footprint)',
        ),
      ]);
    }
    await sleep(slotEnd - Date.now());
    closeLive?.();
  }
}

/**
 * A resident browsing on a window `width` pixels wide, with think times of a few seconds: the Now
 * view (live stream open), then History — collective energy (the view's default) over this week,
 * day, month and year, then the power `series` (`<node>/p`) over a year, a day, a week and a month,
 * then the same household's meter (`<node>/e`) over the month — then Sensors
 * (live stream open), then the Register; again until `until`. The page's clock check asks
 * /api/health every 30 s throughout (communs-clock-warning.ts).
 */
export async function runResident(
  b: Browser,
  until: number,
  opts: { width: number; series: string },
): Promise<void> {
  const think = (lo: number, hi: number) =>
    sleep(Math.min(until - Date.now(), (lo + Math.random() * (hi - lo)) * 1000));
  const health = setInterval(() => void b.get('/api/health', '/api/health'), 30_000);
  try {
    await b.loadPage('/');
    await b.get('/api/health', '/api/health');
    while (Date.now() < until) {
      let closeLive = b.openLive();
      await nowView(b, opts.width);
      await think(5, 15);
      closeLive();
      const steps: Array<[string, HistoryRange]> = [
        ['collective/energy', 'week'],
        ['collective/energy', 'day'],
        ['collective/energy', 'month'],
        ['collective/energy', 'year'],
        [opts.series, 'year'],
        [opts.series, 'day'],
        [opts.series, 'week'],
        [opts.series, 'month'],
        [opts.series.replace(/\/p$/, '/e'), 'month'],
      ];
      for (const [i, [series, range]] of steps.entries()) {
        if (Date.now() >= until) return;
        // the view loads the node list and its first chart together
        const nodes = i === 0 ? b.get('/api/nodes', '/api/nodes') : undefined;
        await Promise.all([nodes, historyChart(b, opts.width, series, range)]);
        await think(2, 5);
      }
      if (Date.now() >= until) return;
      closeLive = b.openLive();
      await b.get('/api/nodes', '/api/nodes');
      await think(5, 10);
      closeLive();
      if (Date.now() >= until) return;
      await b.get('/api/register', '/api/register');
      await think(3, 8);
    }
  } finally {
    clearInterval(health);
  }
}
