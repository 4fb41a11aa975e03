import type { SettingsBody } from '../../../protocol/api.ts';
import type { CostBody } from '../../../protocol/tariff.ts';

/** Test data: a /api/cost answer with one bucket, overridden per test. */
export function costFixture(patch: Partial<CostBody> = {}): CostBody {
  const now = Date.now();
  return {
    status: 'ok',
    series: 'collective/energy',
    currency: 'EUR',
    from: now - 3_600_000,
    to: now,
    bucket: 'hour',
    timeZone: 'UTC',
    homes: 1,
    gco2PerKwh: 52,
    total: { wh: 2500, energyCost: 0.6, standingCost: 0.05, cost: 0.65, co2g: 130, hours: 1 },
    buckets: { t: [Math.floor(now / 3_600_000) * 3_600_000], wh: [2500], cost: [0.65], co2g: [130] },
    assumedBlueDays: [],
    ...patch,
  };
}

/** Test data: a /api/cost answer with no hour counted (a period just begun, or every hour withheld). */
export function noHoursCostFixture(patch: Partial<CostBody> = {}): CostBody {
  return costFixture({
    total: { wh: 0, energyCost: 0, standingCost: 0, cost: 0, co2g: 0, hours: 0 },
    buckets: { t: [], wh: [], cost: [], co2g: [] },
    ...patch,
  });
}

/** Test data: a /api/settings answer (single rate), overridden per test. */
export function settingsFixture(patch: Partial<SettingsBody> = {}): SettingsBody {
  return {
    status: 'ok',
    neighbourhood: 'Rue des Lilas',
    tariff: { perKwh: 0.2516, dailyCharge: 0.4, currency: 'EUR', model: 'single' },
    tariffs: [{ model: 'single', from: '1970-01-01', perKwh: 0.2516, dailyCharge: 0.4 }],
    tempo: { today: null, tomorrow: null },
    timeZone: 'UTC',
    gridGco2PerKwh: 52,
    hubPowerW: 3.5,
    rawRetentionDays: 30,
    ...patch,
  };
}
