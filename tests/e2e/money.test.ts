import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../protocol/index.ts';
import { connectNode, sendMeta, sendReadings } from '../support/mqtt-node.ts';
import { feedPricedNeighbourhood, NOW, type PricedNeighbourhood } from '../support/priced-neighbourhood.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { ensureDashboardBuilt } from './support/built-dashboard.ts';
import { launchChromium } from './support/chromium.ts';

/**
 * Money, History and the household page in Debian's Chromium, against a hub whose homes used known
 * energy in known hours (tests/support/priced-neighbourhood.ts): every € on screen is checked against
 * the hand computation written beside it, in French and in English. The hub and the browser both
 * believe it is noon on Monday 2 February 2026 in Paris.
 */
let th: TestHub;
let priced: PricedNeighbourhood;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const problems: string[] = [];
const started = Date.now();

/** Text as a person reads it: any run of spaces (no-break, thin, narrow) is one space. */
const norm = (s: string | null) => (s ?? '').replace(/[\s\u00a0\u202f\u2009]+/g, ' ').trim();

async function open(path: string, lang: 'fr' | 'en'): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => problems.push(`pageerror ${path}: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp ${path}: ${m.text()}`);
  });
  await page.clock.setFixedTime(NOW);
  await page.goto(`${th.httpUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
  return page;
}

const text = async (page: Page, selector: string) => norm(await page.locator(selector).first().textContent());

/** The rows of a bar chart's table (read aloud in place of the bars), cells joined by " | ". */
const barRows = (page: Page) =>
  page
    .locator('communs-bar-chart tr')
    .evaluateAll((rows) =>
      rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent ?? '').join(' | ')),
    )
    .then((rows) => rows.map(norm));

beforeAll(async () => {
  await ensureDashboardBuilt();
  th = await startTestHub({ now: () => NOW + (Date.now() - started) });
  priced = await feedPricedNeighbourhood(th);
  // a shared place that measures the air: History names its series by place and quantity
  th.addHousehold('biblio', 'open', 'place');
  await th.run('household rename biblio "Bibliothèque"');
  const { secret } = await th.addNode('biblio-air', { household: 'biblio' });
  const air = await connectNode(th.mqttUrl, 'biblio-air', secret);
  await sendMeta(air, 'biblio-air', [{ id: 'co2', quantity: 'co2', unit: 'ppm' }]);
  const co2: Reading = { sensor: 'co2', quantity: 'co2', unit: 'ppm', value: 640, ts: NOW - 60_000, seq: 0 };
  await sendReadings(air, 'biblio-air', [co2]);
  await air.endAsync();
  browser = await launchChromium({ timezoneId: 'Europe/Paris', locale: 'fr-FR' });
  context = browser.context;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await priced?.stop();
  await th?.stop();
});

describe('money, history and the household page in Chromium', () => {
  it('History, in French: a week of daily bars whose kWh and € match the hand computation', async () => {
    const page = await open('/history?range=week&at=2026-01-12&series=collective/energy', 'fr');
    await expect.poll(() => text(page, '[data-testid="period"]')).toBe('12–18 janvier 2026');
    // 14 Jan: 3 homes × 1+2+3 kWh at 0.20 = 1.20, daily charges 3 × 0.48/24 = 0.06
    // 15 Jan: 6 kWh white off-peak 0.15 = 0.90, 12 kWh red peak 0.66 = 7.92, 3 × 2 × 0.60/24 = 0.15
    await expect
      .poll(() => text(page, '[data-testid="period-total"]'))
      .toBe('Total : 24 kWh · ≈ 10,23 € · ≈ 1,2 kg de CO₂');
    expect(await barRows(page)).toEqual([
      'lundi 12 janvier | —',
      'mardi 13 janvier | —',
      'mercredi 14 janvier | 6 kWh · ≈ 1,26 €',
      'jeudi 15 janvier | 18 kWh · ≈ 8,97 €',
      'vendredi 16 janvier | —',
      'samedi 17 janvier | —',
      'dimanche 18 janvier | —',
    ]);
    await expect(page.locator('communs-bar-chart p.unit').textContent()).resolves.toBe('kWh par jour');
    expect(norm(await page.locator('[data-testid="compare"]').textContent())).toBe(
      'La semaine précédente (5–11 janvier 2026) : pas de données La même semaine l’an dernier (13–19 janvier 2025) : pas de données',
    );
    // the week after: only one home used energy, so the collective figure is withheld
    await page.getByRole('button', { name: /Semaine suivante/ }).click();
    await expect.poll(() => text(page, '[data-testid="period"]')).toBe('19–25 janvier 2026');
    await expect
      .poll(() => text(page, 'communs-history-view section.card'))
      .toContain('trop peu de foyers privés au-delà des foyers nommés (moins de 3)');
    expect(new URL(page.url()).searchParams.get('at')).toBe('2026-01-19');
    await page.close();
  }, 60_000);

  it('History, in English: the same week, previous/next, a month and a year that cannot be misread', async () => {
    const page = await open('/history?range=week&at=2026-01-19&series=collective/energy', 'en');
    await page.getByRole('button', { name: /Previous week/ }).click();
    await expect.poll(() => text(page, '[data-testid="period"]')).toBe('January 12 – 18, 2026');
    await expect
      .poll(() => text(page, '[data-testid="period-total"]'))
      .toBe('Total: 24 kWh · ≈ €10.23 · ≈ 1.2 kg CO₂');
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await expect.poll(() => text(page, '[data-testid="period"]')).toBe('January 2026');
    // the period's name changes before its bars are drawn: wait for the month's 31
    await expect.poll(() => page.locator('communs-bar-chart .labels li').count()).toBe(31);
    await page.getByRole('button', { name: 'Year', exact: true }).click();
    await expect.poll(() => text(page, '[data-testid="period"]')).toBe('2026');
    const labels = (await page.locator('communs-bar-chart .labels li').allTextContents()).map(norm);
    expect(labels.slice(0, 3)).toEqual(['Jan', 'Feb', 'Mar']);
    await expect(page.locator('communs-bar-chart p.unit').textContent()).resolves.toBe('kWh per month');
    // the series menu: grouped by place, named by quantity, no private home, no raw id
    const options = (await page.locator('#series option').allTextContents()).map(norm);
    expect(options).toEqual([
      'Neighbourhood · Energy',
      'Neighbourhood · Power',
      'Bibliothèque · CO₂',
      'Household home-d · Energy',
    ]);
    await expect(
      page.locator('#series optgroup').evaluateAll((g) => g.map((x) => x.getAttribute('label'))),
    ).resolves.toEqual(['Neighbourhood', 'Bibliothèque', 'Household home-d']);
    await page.close();
  }, 60_000);

  it('Now, in French and English: the cost of today so far, with its daily charges', async () => {
    const fr = await open('/', 'fr');
    // 2 Feb, 3 homes: 6 kWh off-peak at 0.20 and 6 kWh peak at 0.25 = 2.70; 2 hours × 3 × 0.36/24 = 0.09
    await expect.poll(() => text(fr, '[data-testid="cost-today"]')).toBe('≈ 2,79 €');
    expect(await text(fr, 'communs-cost-today section')).toContain(
      'Électricité 2,70 € + abonnements 0,09 € (3 foyers)',
    );
    await fr.close();
    const en = await open('/', 'en');
    await expect.poll(() => text(en, '[data-testid="cost-today"]')).toBe('≈ €2.79');
    expect(await text(en, 'communs-cost-today section')).toContain('≈ 624 g of CO₂ at 52 g per kWh');
    await en.close();
  }, 60_000);

  it('the household page, in French: today, this month against the average home, what it shares, its CSV', async () => {
    const page = await open(`/h/${priced.tokenA}`, 'fr');
    await expect.poll(() => text(page, 'communs-household-view h2')).toBe('Votre foyer : Household home-a');
    // 2 Feb, home A: 1 kWh at 0.20 + 1 kWh at 0.25 + 2 × 0.36/24
    await expect.poll(() => text(page, '[data-testid="household-today"]')).toBe('2 kWh · ≈ 0,48 €');
    await expect
      .poll(() => text(page, '[data-testid="household-total"]'))
      .toBe('Total jusqu’ici : 2 kWh · ≈ 0,48 € · ≈ 104 g de CO₂');
    await page.getByRole('button', { name: 'Ce mois-ci' }).click();
    // 1 and 2 Feb: 4 kWh, 0.96; the neighbourhood: 24 kWh and 5.58 for 3 homes
    await expect
      .poll(() => text(page, '[data-testid="household-total"]'))
      .toBe('Total jusqu’ici : 4 kWh · ≈ 0,96 € · ≈ 208 g de CO₂');
    await expect(text(page, '[data-testid="household-vs-neighbourhood"]')).resolves.toBe(
      'Un foyer moyen du quartier sur la même période : 8 kWh · ≈ 1,86 € — vous avez consommé 50 % de moins',
    );
    const sharing = await text(page, '[data-testid="household-sharing"]');
    expect(sharing).toContain('Niveau de partage : privé.');
    expect(sharing).toContain('Vos relevés ne sont visibles que par ce lien');
    expect(sharing).toContain('demandez à la personne qui gère le hub');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Télécharger ce qui est affiché/ }).click(),
    ]);
    const csv = fs
      .readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv).toEqual([
      'series,unit,ts,iso_time,value,cost,currency',
      'household,kWh,1769900400000,2026-01-31T23:00:00.000Z,2,0.48,EUR',
      'household,kWh,1769986800000,2026-02-01T23:00:00.000Z,2,0.48,EUR',
    ]);
    expect(download.suggestedFilename()).toBe('communs-household-month-2026-02-01.csv');
    await page.close();
  }, 60_000);

  it('the household page, in English', async () => {
    const page = await open(`/h/${priced.tokenA}`, 'en');
    await expect.poll(() => text(page, '[data-testid="household-today"]')).toBe('2 kWh · ≈ €0.48');
    await expect(text(page, 'communs-household-view section[aria-labelledby="today-h"]')).resolves.toContain(
      'Not enough past weeks yet to know your usual day.',
    );
    await expect(text(page, '[data-testid="household-sharing"]')).resolves.toContain(
      'Your readings are seen only through this link',
    );
    await page.close();
  }, 60_000);

  it('a Tempo red day: today on Now says so, and History prices each hour at its colour', async () => {
    for (const line of [
      'tariff set tempo --blue-hp 0.16 --blue-hc 0.13 --white-hp 0.19 --white-hc 0.15 --red-hp 0.66 --red-hc 0.16 --daily 0.60 --from 2026-02-02',
      'tariff tempo-day 2026-02-02 red',
    ])
      expect((await th.run(line)).code).toBe(0);
    const now = await open('/', 'fr');
    // 05:00 still belongs to the Tempo day of 1 Feb (not known: blue), off-peak: 6 kWh × 0.13 = 0.78
    // 09:00 red, peak: 6 kWh × 0.66 = 3.96; daily charges 2 hours × 3 × 0.60/24 = 0.15
    await expect.poll(() => text(now, '[data-testid="cost-today"]')).toBe('≈ 4,89 €');
    await expect(text(now, '[data-testid="tempo-today"]')).resolves.toBe(
      'Tempo : aujourd’hui est un jour rouge.',
    );
    await now.close();
    const day = await open('/history?range=day&series=collective/energy', 'en');
    await expect.poll(() => text(day, '[data-testid="period"]')).toBe('Monday, February 2, 2026');
    const rows = await barRows(day);
    // 0.78 + 0.075 and 3.96 + 0.075
    expect(rows[5]).toBe('5:00 – 6:00 AM | 6 kWh · ≈ €0.86');
    expect(rows[9]).toBe('9:00 – 10:00 AM | 6 kWh · ≈ €4.04');
    await expect(text(day, 'communs-history-view section.card')).resolves.toContain(
      '1 Tempo day of unknown colour is counted as blue.',
    );
    await day.close();
  }, 60_000);

  it('nothing was refused by the CSP, and no page failed', () => {
    expect(problems).toEqual([]);
  });
});
