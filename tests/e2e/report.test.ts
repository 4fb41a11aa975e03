import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import {
  AFTER,
  paris,
  startTogetherNeighbourhood,
  type TogetherNeighbourhood,
} from '../support/together-neighbourhood.ts';
import { launchChromium } from './support/chromium.ts';

/**
 * The monthly notice-board report (docs/COLLECTIVE.md) printed to PDF by Debian's Chromium, A4, and
 * read back with pdftotext: the figures of tests/support/together-neighbourhood.ts by hand, in
 * French and English, a month the privacy rule withheld said so (never a zero), one or two pages,
 * no request outside the hub.
 *
 * November 2026, by hand: 3 homes × 30 days × 12.8 kWh (22 × 0.5 + 1 + 0.8) = 1,152 kWh. Every day is a blue Tempo day
 * (none known): per home and day 8 off-peak hours × 0.5 kWh × 0.13 € = 0.52 € and 8.8 kWh in peak
 * hours × 0.16 € = 1.408 €, so 3 × 30 × 1.928 = 173.52 €, with the daily charges 3 × 30 × 0.60 = 54 €:
 * 227.52 €. CO2 1,152 kWh × 52 g = 59.9 kg. Peak 18:00–19:00, 3 kWh. Produced 30 × 12 kWh = 360 kWh,
 * used here 30 × 8.5 = 255 kWh: 255 / 1,152 = 22 %, 255 / 360 = 71 %. The hub: 3.5 W × 720 h = 2.5 kWh.
 * October 2026: one household alone, withheld.
 * The air: the school (community) has PM2.5 at 30 µg/m³ all of 3 November (poor) and 5 µg/m³ all of
 * 4 November (clean), CO2 at 600 ppm on 6 November but for one hour at 1,800 ppm (poor); a private
 * home's PM2.5 at 80 µg/m³ all of 7 November is never read.
 */
const root = path.resolve(import.meta.dirname, '../..');
let th: TestHub;
let hood: TogetherNeighbourhood;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let lonely: Awaited<ReturnType<typeof connectNode>>;
let air: Awaited<ReturnType<typeof connectNode>>[] = [];
const requests: string[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-report-'));

const norm = (s: string) => s.replace(/[\s\u00a0\u202f\u2009]+/g, ' ').trim();

/** Prints a page to A4 PDF; its text as pdftotext reads it, and its page count. */
async function printed(page: Page, name: string): Promise<{ text: string; pages: number }> {
  const file = path.join(tmp, `${name}.pdf`);
  await page.pdf({ path: file, format: 'A4', printBackground: false });
  // kept beside the screenshots, to look at
  const kept = path.join(root, 'test-results/report');
  fs.mkdirSync(kept, { recursive: true });
  fs.copyFileSync(file, path.join(kept, `${name}.pdf`));
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return { text: norm(text), pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]) };
}

async function open(route: string): Promise<Page> {
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  const res = await page.goto(`${th.httpUrl}${route}`);
  expect(res?.status(), route).toBe(200);
  return page;
}

beforeAll(async () => {
  th = await startTestHub({ now: () => AFTER });
  hood = await startTogetherNeighbourhood(th);
  await hood.feed(AFTER);
  // a household alone in October: its hours are withheld by the privacy rule
  const { secret } = await th.addNode('meter-lonely', { household: 'home-lonely', sharing: 'private' });
  lonely = await connectNode(th.mqttUrl, 'meter-lonely', secret);
  await sendMeta(lonely, 'meter-lonely', [{ id: 'energy', quantity: 'energy', unit: 'Wh' }]);
  const readings: Reading[] = Array.from({ length: 48 }, (_, i) => ({
    sensor: 'energy',
    quantity: 'energy',
    unit: 'Wh',
    value: i * 400,
    ts: paris('2026-10-10T00:00') + i * 3_600_000 + 31 * 60_000,
    seq: i,
  }));
  await sendReadings(lonely, 'meter-lonely', readings);
  // the air of a shared place, and of a private home the report must not read
  const hourly = (
    sensor: string,
    quantity: 'pm25' | 'co2',
    unit: string,
    day: string,
    value: (h: number) => number,
  ) =>
    Array.from({ length: 24 }, (_, h) => ({
      sensor,
      quantity,
      unit,
      value: value(h),
      ts: paris(`${day}T00:00`) + h * 3_600_000 + 30 * 60_000,
    }));
  th.addHousehold('ecole', 'community', 'place');
  await th.run('household rename ecole "École"');
  const school = await th.addNode('air-ecole', { household: 'ecole' });
  const home = await th.addNode('air-home', { household: 'home-air', sharing: 'private' });
  const schoolNode = await connectNode(th.mqttUrl, 'air-ecole', school.secret);
  const homeNode = await connectNode(th.mqttUrl, 'air-home', home.secret);
  air = [schoolNode, homeNode];
  await sendMeta(schoolNode, 'air-ecole', [
    { id: 'pm25', quantity: 'pm25', unit: 'µg/m³' },
    { id: 'co2', quantity: 'co2', unit: 'ppm' },
  ]);
  await sendMeta(homeNode, 'air-home', [{ id: 'pm25', quantity: 'pm25', unit: 'µg/m³' }]);
  const schoolReadings = [
    ...hourly('pm25', 'pm25', 'µg/m³', '2026-11-03', () => 30),
    ...hourly('pm25', 'pm25', 'µg/m³', '2026-11-04', () => 5),
    ...hourly('co2', 'co2', 'ppm', '2026-11-06', (h) => (h === 10 ? 1800 : 600)),
  ].sort((x, y) => x.ts - y.ts);
  await sendReadings(
    schoolNode,
    'air-ecole',
    schoolReadings.map((r, seq) => ({ ...r, seq })),
  );
  const homeReadings = hourly('pm25', 'pm25', 'µg/m³', '2026-11-07', () => 80);
  await sendReadings(
    homeNode,
    'air-home',
    homeReadings.map((r, seq) => ({ ...r, seq })),
  );
  browser = await launchChromium({ timezoneId: 'Europe/Paris' });
  context = browser.context;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await lonely?.endAsync();
  await Promise.all(air.map((c) => c.endAsync()));
  await hood?.stop();
  await th?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the monthly report, printed by Chromium', () => {
  it('November in English: the figures by hand, on one or two A4 pages', async () => {
    const page = await open('/report/2026-11?lang=en');
    const { text, pages } = await printed(page, 'november-en');
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(text).toContain('Communs · November 2026');
    expect(text).toMatch(/This month 1,152 kWh €227\.52 59\.9 kg/);
    expect(text).toMatch(/Month before withheld withheld withheld/);
    expect(text).toMatch(/A year before no data no data no data/);
    expect(text).toContain('Withheld: fewer than 3 households make it up');
    expect(text).toContain('used the most from 18:00 to 19:00: 3 kWh in that hour');
    expect(text).toContain('Produced: 360 kWh. Used: 1,152 kWh.');
    expect(text).toContain('Share of the consumption covered locally: 22%.');
    expect(text).toContain('Share of the production used in the neighbourhood: 71%.');
    expect(text).toContain('Up to 3 households counted in a published hour.');
    expect(text).toContain('The hub draws about 3.5 W: 2.5 kWh this month.');
    expect(text).toContain('No challenge this month.');
    expect(text).toContain('Days the air was poor');
    expect(text).toContain('3 November, École: PM2.5 30 µg/m³ over the day.');
    expect(text).toContain('6 November, École: CO₂ 1,800 ppm over an hour.');
    // a clean day is not listed, nor a private home's sensor
    expect(text).not.toContain('4 November,');
    expect(text).not.toContain('7 November,');
    expect(text).toContain('To leave, ask them too');
    await page.close();
  }, 60_000);

  it('December in French: the challenge’s result; the language from Accept-Language too', async () => {
    const asked = await fetch(`${th.httpUrl}/report/2026-12`, {
      headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
    });
    expect(asked.headers.get('content-language')).toBe('fr');
    expect(await asked.text()).toContain('<html lang="fr">');
    const november = await (await fetch(`${th.httpUrl}/report/2026-11?lang=fr`)).text();
    expect(norm(november)).toContain('3 novembre, École : PM2,5 à 30 µg/m³ sur la journée.');
    expect(norm(november)).toContain('6 novembre, École : CO₂ à 1 800 ppm sur une heure.');
    expect(november).not.toContain('4 novembre,');
    expect(november).not.toContain('7 novembre,');
    const page = await open('/report/2026-12?lang=fr');
    const { text, pages } = await printed(page, 'december-fr');
    expect(pages).toBeLessThanOrEqual(2);
    expect(text).toContain('Communs · décembre 2026');
    expect(text).toContain('Bilan du mois');
    expect(text).toContain('Aucun jour où l’air était mauvais.');
    expect(text).toMatch(
      /Soirée sobre \(12 décembre, 18:00–20:00, [-−]10 %\) : [-−]13 % par rapport à un jour habituel, 690 Wh économisés, environ 0,46 € et 36 g de CO₂ : objectif atteint\./,
    );
    await page.close();
  }, 60_000);

  it('the console writes it as files that print on their own; a wrong month is one line', async () => {
    const r = await th.run('report 2026-11');
    expect(r.code, r.output).toBe(0);
    const files = [...r.output.matchAll(/wrote (\S+)/g)].map((m) => m[1] ?? '');
    expect(files.map((f) => path.basename(f))).toEqual(['report-2026-11-fr.html', 'report-2026-11-en.html']);
    expect(r.output).toContain('/report/2026-11?lang=fr');
    const page = await context.newPage();
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(`file://${files[1]}`);
    const { text } = await printed(page, 'file-en');
    expect(text).toMatch(/This month 1,152 kWh €227\.52 59\.9 kg/);
    await page.close();
    const refused: [string, string][] = [
      ['report 2026-13', 'give the month as YYYY-MM'],
      ['report 2026-11 --lang de', '--lang must be fr or en'],
    ];
    for (const [line, message] of refused) {
      const bad = await th.run(line);
      expect(bad.code, line).toBe(2);
      expect(bad.output.trim().split('\n')).toHaveLength(1);
      expect(bad.output).toContain(message);
    }
    const res = await fetch(`${th.httpUrl}/report/2026-13`);
    expect(res.status).toBe(400);
  }, 60_000);

  it('asked for nothing outside the hub', () => {
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.filter((u) => !u.startsWith(th.httpUrl) && !u.startsWith('file://'))).toEqual([]);
  });
});
