import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostBody, SettingsBody } from '../../protocol/index.ts';
import { getJson } from '../../tests/support/mqtt-node.ts';
import {
  feedPricedNeighbourhood,
  NOW,
  type PricedNeighbourhood,
  paris,
} from '../../tests/support/priced-neighbourhood.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { openDb } from '../src/store/db.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { TariffStore } from '../src/store/tariff-store.ts';

/** Home A's hand computation over 14 Jan – 1 Feb, from the prices in tests/support/priced-neighbourhood.ts:
 * 0.20 + 0.15 + 1.32 + 0.13 + 0.20 + 0.25 = 2.25 of energy; daily charges for the hours with data:
 * 0.48/24 + 2 × 0.60/24 + 0.60/24 + 2 × 0.36/24 = 0.125. A alone on 20 Jan adds 0.19 + 0.60/24. */
const A_ENERGY_COST = 2.25;
const A_STANDING = 0.125;
const at = paris;

describe('tariffs on the console and the cost of energy over HTTP', () => {
  let th: TestHub;
  let priced: PricedNeighbourhood;
  let tokenA = '';
  const started = Date.now();
  const hubNow = () => NOW + (Date.now() - started);

  beforeAll(async () => {
    th = await startTestHub({ now: hubNow });
    priced = await feedPricedNeighbourhood(th);
    tokenA = priced.tokenA;
  });

  afterAll(async () => {
    await priced?.stop();
    await th?.stop();
  });

  const cost = async (query: string) => {
    const r = await getJson<unknown>(`${th.httpUrl}/api/cost?${query}`);
    return { status: r.status, body: r.body };
  };
  const range = `from=${at('2026-01-14T00:00')}&to=${at('2026-02-02T00:00')}`;
  const money = (x: number) => Math.round(x * 1e4) / 1e4;

  it('one household through its private link: every hour at its own tariff, Tempo colour and daily charge', async () => {
    const { status, body } = await cost(`token=${tokenA}&${range}&bucket=day&tz=Europe/Paris`);
    expect(status).toBe(200);
    const b = CostBody.parse(body);
    expect(b.series).toBe('household');
    expect(b.homes).toBe(1);
    expect(money(b.total.energyCost)).toBe(money(A_ENERGY_COST + 0.19));
    expect(money(b.total.standingCost)).toBe(money(A_STANDING + 0.6 / 24));
    expect(b.total.wh).toBe(8000);
    expect(money(b.total.co2g)).toBe(416); // 8 kWh × 52 g
    expect(b.total.hours).toBe(7);
    // by Paris day: 14 Jan 0.20 + 0.02; 15 Jan 0.15 + 1.32 + 0.05; 20 Jan 0.19 + 0.025; 31 Jan 0.13 + 0.025; 1 Feb 0.45 + 0.03
    expect(b.buckets.t).toEqual(
      ['2026-01-14', '2026-01-15', '2026-01-20', '2026-01-31', '2026-02-01'].map((d) => at(`${d}T00:00`)),
    );
    expect(b.buckets.cost.map(money)).toEqual([0.22, 1.52, 0.215, 0.155, 0.48]);
    expect(b.assumedBlueDays).toEqual(['2026-01-31']);
  });

  it('the collective figure: the sum of the homes, daily charges × 3 homes, the hour of one home left out', async () => {
    const b = CostBody.parse((await cost(`quantity=energy&${range}&bucket=none`)).body);
    expect(b.homes).toBe(3);
    expect(b.total.wh).toBe(6 * 7000);
    expect(money(b.total.energyCost)).toBe(money(6 * A_ENERGY_COST));
    expect(money(b.total.standingCost)).toBe(money(3 * A_STANDING));
    expect(money(b.total.cost)).toBe(13.875);
    // the hour home A was alone is withheld by the privacy rule: missing, and said why
    expect(b.withheld).toMatch(/1 stretch\(es\) withheld: fewer than 3 private households/);
    expect(b.gaps).toEqual([{ from: at('2026-01-20T10:00'), to: at('2026-01-20T11:00'), reason: 'too_few' }]);
    expect(b.buckets.t).toEqual([]);
  });

  it('a public series without a token; a private one only with its link', async () => {
    const week = `from=${at('2026-01-01T00:00')}&to=${at('2026-01-08T00:00')}`;
    const b = CostBody.parse((await cost(`sensor=d/energy&${week}&bucket=day`)).body);
    // one kWh at the single rate (0.20) and the daily charge of that hour (0.48/24)
    expect(b.total.wh).toBe(1000);
    expect(money(b.total.cost)).toBe(0.22);
    expect(b.buckets.t).toEqual([at('2026-01-04T00:00')]);
    expect((await cost(`sensor=b/energy&${range}`)).status).toBe(404);
  });

  it('the hour under way counts its daily charge up to the end of the range', async () => {
    const today = CostBody.parse(
      (
        await cost(
          `sensor=a/energy&token=${tokenA}&from=${at('2026-02-01T00:00')}&to=${at('2026-02-01T12:30')}&bucket=hour`,
        )
      ).body,
    );
    // 0.20 + 0.25 + 0.36/24 + half of 0.36/24
    expect(money(today.total.cost)).toBe(0.4725);
  });

  it('refuses what it cannot answer, in one line naming the parameter', async () => {
    const cases: [string, number, RegExp][] = [
      [`sensor=a/energy&${range}`, 404, /no public series "a\/energy"/],
      [`token=${'x'.repeat(44)}`, 404, /unknown or revoked link/],
      ['quantity=power', 400, /"quantity" must be energy/],
      [`${range}`, 400, /"quantity=energy", "sensor" .* or "token" is required/],
      [`quantity=energy&${range}&tz=Mars/Olympus`, 400, /"tz" must be a time zone .* got "Mars\/Olympus"/],
      [`quantity=energy&${range}&bucket=week`, 400, /"bucket" must be one of hour, day, month, none/],
      [`quantity=energy&from=0&to=${NOW}`, 400, /ask for at most 400/],
    ];
    for (const [q, status, pattern] of cases) {
      const r = await cost(q);
      expect(r.status, q).toBe(status);
      expect((r.body as { error: string }).error, q).toMatch(pattern);
    }
  });

  it("/api/settings serves the tariff history, today's tariff summed up, and the Tempo colours", async () => {
    const b = SettingsBody.parse((await getJson(`${th.httpUrl}/api/settings`)).body);
    expect(b.tariffs.map((t) => `${t.from} ${t.model}`)).toEqual([
      '2025-08-01 single',
      '2026-01-15 tempo',
      '2026-02-01 peak-offpeak',
    ]);
    // (8 h × 0.20 + 16 h × 0.25) / 24
    expect(b.tariff).toEqual({ perKwh: 0.233333, dailyCharge: 0.36, currency: 'EUR', model: 'peak-offpeak' });
    expect(b.tempo).toEqual({ today: null, tomorrow: 'red' });
    expect(b.timeZone).toBe('Europe/Paris');
  });

  it('console: the list, mistakes in one line, French help', async () => {
    const shown = await th.run('tariff');
    expect(shown.output).toMatch(/ {2}2025-08-01 {2}single rate 0\.2000 EUR\/kWh \+ 0\.4800 EUR\/day/);
    expect(shown.output).toMatch(
      /\* 2026-02-01 {2}peak 0\.2500 \/ off-peak 0\.2000 EUR\/kWh, off-peak 22:00-06:00/,
    );
    expect(shown.output).toMatch(
      /Tempo: today 2026-02-02 not known \(counted blue\); tomorrow 2026-02-03 red \(console\)/,
    );
    const mistakes: [string, RegExp][] = [
      ['tariff set flat --price 1 --daily 1', /the tariff must be single, hphc or tempo, got "flat"/],
      ['tariff set single --price 0.2', /missing --daily/],
      ['tariff set single --price 0.2 --hp 0.3 --daily 1', /--hp does not apply to a single tariff/],
      [
        'tariff set hphc --hp 0.3 --hc 0.2 --hours 22-6 --daily 1',
        /off-peak hours must read HH:MM-HH:MM .* got "22-6"/,
      ],
      [
        'tariff set single --price 0.2 --daily 1 --from 2026-02-30',
        /--from must be a date YYYY-MM-DD, got "2026-02-30"/,
      ],
      ['tariff set tempo --blue-hp 0.1 --daily 1', /--blue-hc must be a number, got ""/],
      ['tariff tempo-day 2026-01-15 green', /the colour must be blue, white, red or none, got "green"/],
      ['tariff remove 2020-01-01', /no tariff starts on 2020-01-01/],
      ['tariff tempo-days 2026-13', /the month must read YYYY-MM, got "2026-13"/],
    ];
    for (const [line, pattern] of mistakes) {
      const r = await th.run(line);
      expect(r.code, line).toBe(2);
      expect(r.output, line).toMatch(pattern);
      expect(r.output.split('\n'), line).toHaveLength(1);
    }
    expect((await th.run('tariff tempo-days 2026-01')).output).toMatch(
      /2026-01: 0 blue, 2 white, 1 red, 28 not known/,
    );
    expect((await th.run('aide tariff set')).output).toMatch(/fixe un tarif à partir d’une date/);
    expect((await th.run('aide')).output).toMatch(/tariff tempo-day +la couleur d’un jour Tempo/);
    expect((await th.run('help tariff tempo-day')).output).toMatch(/the colour of a Tempo day/);
    const span = await th.run('tariff tempo-day 2026-01-26..2026-01-27 red');
    expect(span.output).toBe('Tempo 2026-01-26..2026-01-27 (2 days): red.');
  });
});

describe('the tariff store', () => {
  it('a device does not overwrite a colour set on the console; the console overwrites a device', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-tariff-'));
    const db = openDb({ file: path.join(dir, 'communs.db') });
    const store = new TariffStore({ db });
    expect(store.setTempoDay('2026-12-12', 'white', 'meter:linky-1', 1)).toBe('set');
    expect(store.setTempoDay('2026-12-12', 'white', 'meter:linky-1', 2)).toBe('unchanged');
    expect(store.setTempoDay('2026-12-12', 'red', 'console', 3)).toBe('set');
    expect(store.setTempoDay('2026-12-12', 'blue', 'meter:linky-1', 4)).toBe('kept');
    expect(store.tempoDay('2026-12-12')).toEqual({ colour: 'red', source: 'console' });
    expect(store.setTempoDay('2026-12-12', null, 'console', 5)).toBe('set');
    expect(store.tempoColours('2026-12-01', '2026-12-31').size).toBe(0);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the price a hub kept in its settings becomes its first tariff when the database is upgraded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-tariff-'));
    const file = path.join(dir, 'communs.db');
    // a database as the previous version left it: the migrations before the tariffs', the tariff in settings
    const before = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE tariffs'));
    const old = openDb({ file, upTo: before });
    old.exec(
      `INSERT INTO settings (key, value) VALUES ('tariffPerKwh', '0.3'), ('tariffDailyCharge', '0.45')`,
    );
    old.close();
    const db = openDb({ file });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(new TariffStore({ db }).list()).toEqual([
      { model: 'single', from: '1970-01-01', perKwh: 0.3, dailyCharge: 0.45 },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'tariff%'").get()).toEqual({ n: 0 });
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
