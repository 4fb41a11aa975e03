import { describe, expect, it } from 'vitest';
import type { Tariff, TempoColour } from '../../protocol/tariff.ts';
import {
  constantLoadPrice,
  groupPriced,
  isOffPeak,
  priceHours,
  sumPriced,
  type TariffBook,
  tariffOnDate,
} from '../src/cost/cost.ts';
import { LocalClock } from '../src/cost/local-time.ts';

const H = 3_600_000;
const paris = new LocalClock({ timeZone: 'Europe/Paris' });

/** The UTC instant of a Paris wall-clock time (winter: UTC+1, summer: UTC+2). */
function at(local: string): number {
  const wall = Date.parse(`${local}:00Z`);
  return wall - paris.offsetAt(wall - paris.offsetAt(wall));
}

function book(tariffs: Tariff[], colours: Record<string, TempoColour> = {}): TariffBook {
  return { tariffs, clock: paris, tempoColour: (d) => colours[d] };
}

const noStanding = { homes: 1, gco2PerKwh: 52, until: Number.MAX_SAFE_INTEGER };
const money = (x: number) => Math.round(x * 1e6) / 1e6;

const single = (from: string, perKwh: number, dailyCharge: number): Tariff => ({
  model: 'single',
  from,
  perKwh,
  dailyCharge,
});

const tempo: Tariff = {
  model: 'tempo',
  from: '2025-01-01',
  dailyCharge: 0.5,
  prices: {
    blue: { offPeak: 0.13, peak: 0.16 },
    white: { offPeak: 0.15, peak: 0.19 },
    red: { offPeak: 0.16, peak: 0.66 },
  },
};

describe('cost of energy, against hand computations', () => {
  it('single rate: kWh × price, the daily charge spread over the hours with data, CO2 at the grid factor', () => {
    const t = [at('2026-01-10T00:00'), at('2026-01-10T01:00'), at('2026-01-10T02:00')];
    const r = priceHours(t, [1000, 2000, 500], book([single('2025-01-01', 0.2, 0.48)]), noStanding);
    const total = sumPriced(r.hours);
    // 3.5 kWh × 0.20 = 0.70; 3 of the day's 24 hours × 0.48 = 0.06; 3.5 kWh × 52 g = 182 g
    expect(money(total.energyCost)).toBe(0.7);
    expect(money(total.standingCost)).toBe(0.06);
    expect(money(total.cost)).toBe(0.76);
    expect(money(total.co2g)).toBe(182);
    expect(total.hours).toBe(3);
  });

  it('peak/off-peak: hours split at a window edge on the half hour, seasonal afternoon window only in its months', () => {
    const hphc: Tariff = {
      model: 'peak-offpeak',
      from: '2025-01-01',
      dailyCharge: 0,
      peak: 0.25,
      offPeak: 0.2,
      offPeakHours: [
        { from: '23:30', to: '07:30' },
        { from: '14:00', to: '16:00', months: [4, 10] },
      ],
    };
    const t = [
      at('2026-01-12T07:00'), // 07:00–07:30 off-peak, 07:30–08:00 peak
      at('2026-01-12T23:00'), // 23:00–23:30 peak, 23:30–24:00 off-peak
      at('2026-01-13T03:00'), // off-peak
      at('2026-01-13T14:00'), // January: the afternoon window does not apply: peak
      at('2026-07-13T14:00'), // July: off-peak
    ];
    const r = priceHours(t, [1200, 1000, 800, 1000, 1000], book([hphc]), noStanding);
    // 0.6 × 0.20 + 0.6 × 0.25 = 0.27; 0.5 × 0.25 + 0.5 × 0.20 = 0.225; 0.8 × 0.20 = 0.16; 0.25; 0.20
    expect(r.hours.map((h) => money(h.energyCost))).toEqual([0.27, 0.225, 0.16, 0.25, 0.2]);
    expect(money(sumPriced(r.hours).energyCost)).toBe(1.105);
  });

  it('Tempo across a red day: the colour changes at 06:00, off-peak 22:00–06:00, unknown days priced blue and listed', () => {
    const colours: Record<string, TempoColour> = { '2026-01-14': 'white', '2026-01-15': 'red' };
    const t = [
      at('2026-01-15T05:00'), // still the white day of the 14th, off-peak: 0.15
      at('2026-01-15T06:00'), // the red day begins, peak: 0.66
      at('2026-01-15T21:00'), // red, peak: 0.66
      at('2026-01-15T22:00'), // red, off-peak: 0.16
      at('2026-01-16T05:00'), // the red day's last off-peak hour: 0.16
      at('2026-01-16T06:00'), // the 16th: colour unknown, priced blue peak: 0.16
    ];
    const r = priceHours(t, [1000, 1000, 1000, 1000, 1000, 1000], book([tempo], colours), noStanding);
    expect(r.hours.map((h) => money(h.energyCost))).toEqual([0.15, 0.66, 0.66, 0.16, 0.16, 0.16]);
    expect(money(sumPriced(r.hours).energyCost)).toBe(1.95);
    expect(r.assumedBlueDays).toEqual(['2026-01-16']);
  });

  it('a tariff change date: hours before it keep the old prices, hours from it take the new ones', () => {
    const tariffs = [single('2025-08-01', 0.2, 0.4), single('2026-02-01', 0.25, 0.5)];
    const t = [at('2026-01-31T23:00'), at('2026-02-01T00:00')];
    const r = priceHours(t, [1000, 1000], book(tariffs), noStanding);
    // 1 kWh × 0.20 + 1 kWh × 0.25; daily charges 0.40/24 + 0.50/24
    expect(r.hours.map((h) => money(h.energyCost))).toEqual([0.2, 0.25]);
    expect(money(sumPriced(r.hours).standingCost)).toBe(0.0375);
    // before the first known tariff, the first one applies: older prices are not known
    expect(tariffOnDate(tariffs, '2020-01-01')).toBe(tariffs[0]);
  });

  it('a change from single rate to Tempo on a red day', () => {
    const tariffs = [single('2025-01-01', 0.2, 0.4), { ...tempo, from: '2026-01-15' }];
    const t = [at('2026-01-14T23:00'), at('2026-01-15T05:00'), at('2026-01-15T07:00')];
    const r = priceHours(
      t,
      [1000, 1000, 1000],
      book(tariffs, { '2026-01-14': 'white', '2026-01-15': 'red' }),
      noStanding,
    );
    // single on the 14th; Tempo from midnight: off-peak of the (white) Tempo day of the 14th; red peak
    expect(r.hours.map((h) => money(h.energyCost))).toEqual([0.2, 0.15, 0.66]);
  });

  it("an hour that straddles local midnight (a half-hour time zone) is split between the two days' tariffs", () => {
    const kolkata = new LocalClock({ timeZone: 'Asia/Kolkata' });
    const tariffs = [single('2025-01-01', 0.1, 0), single('2026-02-01', 0.3, 0)];
    // 18:00 UTC = 23:30 in Kolkata: half the hour on 31 January, half on 1 February
    const r = priceHours(
      [Date.UTC(2026, 0, 31, 18)],
      [2000],
      { tariffs, clock: kolkata, tempoColour: () => undefined },
      noStanding,
    );
    expect(money(r.hours[0]?.energyCost ?? 0)).toBe(0.4); // 1 kWh × 0.10 + 1 kWh × 0.30
  });

  it('the daily charge of a 23-hour day (spring forward) adds up to one day; homes multiply it; not past `until`', () => {
    const t: number[] = [];
    for (let u = at('2026-03-29T00:00'); u < at('2026-03-30T00:00'); u += H) t.push(u);
    expect(t).toHaveLength(23);
    const b = book([single('2025-01-01', 0.2, 0.46)]);
    const day = priceHours(
      t,
      t.map(() => 100),
      b,
      noStanding,
    );
    expect(money(sumPriced(day.hours).standingCost)).toBe(0.46);
    const three = priceHours(
      t,
      t.map(() => 100),
      b,
      { ...noStanding, homes: 3 },
    );
    expect(money(sumPriced(three.hours).standingCost)).toBe(1.38);
    // the hour under way, at 12:30: half of that hour's share
    const now = at('2026-01-10T12:30');
    const part = priceHours([at('2026-01-10T12:00')], [100], book([single('2025-01-01', 0.2, 0.48)]), {
      ...noStanding,
      until: now,
    });
    expect(money(part.hours[0]?.standingCost ?? 0)).toBe(0.01); // 0.48 / 24 / 2
  });

  it('groups hours into local days and months, and keeps totals', () => {
    const t = [
      at('2026-01-31T22:00'),
      at('2026-01-31T23:00'),
      at('2026-02-01T00:00'),
      at('2026-02-01T01:00'),
    ];
    const r = priceHours(t, [1000, 1000, 1000, 1000], book([single('2025-01-01', 0.2, 0)]), noStanding);
    const days = groupPriced(r.hours, 'day', paris);
    expect(days.t).toEqual([at('2026-01-31T00:00'), at('2026-02-01T00:00')]);
    expect(days.wh).toEqual([2000, 2000]);
    expect(days.cost.map(money)).toEqual([0.4, 0.4]);
    const months = groupPriced(r.hours, 'month', paris);
    expect(months.t).toEqual([at('2026-01-01T00:00'), at('2026-02-01T00:00')]);
    // grouped in UTC instead (another browser's clock): three hours on 31 January, one on 1 February
    const utc = groupPriced(r.hours, 'day', new LocalClock({ timeZone: 'UTC' }));
    expect(utc.t).toEqual([Date.UTC(2026, 0, 31), Date.UTC(2026, 1, 1)]);
    expect(utc.wh).toEqual([3000, 1000]);
    expect(groupPriced(r.hours, 'none', paris).t).toEqual([]);
  });

  it('the mean price of a constant load, for each model', () => {
    expect(constantLoadPrice(single('2025-01-01', 0.2, 0))).toBe(0.2);
    const hphc: Tariff = {
      model: 'peak-offpeak',
      from: '2025-01-01',
      dailyCharge: 0,
      peak: 0.3,
      offPeak: 0.18,
      offPeakHours: [{ from: '22:00', to: '06:00' }],
    };
    expect(money(constantLoadPrice(hphc))).toBe(0.26); // (8 × 0.18 + 16 × 0.30) / 24
    // per colour (8 h off-peak, 16 h peak) / 24, weighted 300/43/22 days
    const day = (hc: number, hp: number) => (8 * hc + 16 * hp) / 24;
    const expected = (300 * day(0.13, 0.16) + 43 * day(0.15, 0.19) + 22 * day(0.16, 0.66)) / 365;
    expect(money(constantLoadPrice(tempo))).toBe(money(expected));
  });

  it('off-peak windows: crossing midnight, month ranges that wrap', () => {
    const w = [{ from: '22:00', to: '06:00', months: [11, 3] as [number, number] }];
    expect(isOffPeak(w, 12, 23 * 60)).toBe(true);
    expect(isOffPeak(w, 1, 5 * 60 + 59)).toBe(true);
    expect(isOffPeak(w, 1, 6 * 60)).toBe(false);
    expect(isOffPeak(w, 7, 23 * 60)).toBe(false);
  });
});

describe('LocalClock', () => {
  it('reads Paris wall-clock time across the daylight-saving changes', () => {
    expect(paris.local(Date.UTC(2026, 2, 29, 0, 59))).toMatchObject({
      date: '2026-03-29',
      minute: 119,
      month: 3,
    });
    expect(paris.local(Date.UTC(2026, 2, 29, 1, 0))).toMatchObject({
      date: '2026-03-29',
      minute: 180,
      month: 3,
    });
    expect(paris.local(Date.UTC(2026, 9, 25, 0, 30))).toMatchObject({
      date: '2026-10-25',
      minute: 150,
      month: 10,
    });
    expect(paris.local(Date.UTC(2026, 9, 25, 1, 30))).toMatchObject({
      date: '2026-10-25',
      minute: 150,
      month: 10,
    });
    expect(paris.startOfDay('2026-07-01')).toBe(Date.UTC(2026, 5, 30, 22));
    expect(paris.dayLength('2026-03-29')).toBe(23 * H);
    expect(paris.dayLength('2026-10-25')).toBe(25 * H);
    expect(paris.dayLength('2026-10-26')).toBe(24 * H);
  });

  it('refuses an unknown time zone by name', () => {
    expect(() => new LocalClock({ timeZone: 'Mars/Olympus' })).toThrow(/Mars\/Olympus/);
  });
});
