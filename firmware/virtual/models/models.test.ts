import { describe, expect, it } from 'vitest';
import { HouseholdLoad } from './household-load.ts';
import { IndoorAir, particulatesAt } from './indoor-air.ts';
import { DAY, HOUR } from './random.ts';
import { outdoorAt } from './weather.ts';

// local midnights: the models follow the machine's time zone, as the people they imitate do
const JAN = new Date(2026, 0, 12).getTime(); // a Monday in winter
const JUL = new Date(2026, 6, 13).getTime();

function dailyEnergyKwh(load: HouseholdLoad, dayStart: number): number {
  let wh = 0;
  for (let t = dayStart; t < dayStart + DAY; t += 60_000) wh += load.powerAt(t) / 60;
  return wh / 1000;
}

describe('household load model', () => {
  const plain = new HouseholdLoad({ seed: 1, occupants: 2, heatPump: false, electricCar: false });

  it('uses a plausible few kWh a day', () => {
    const kwh = dailyEnergyKwh(plain, JAN);
    expect(kwh).toBeGreaterThan(3);
    expect(kwh).toBeLessThan(20);
  });

  it('peaks in the evening and idles at night', () => {
    const mean = (fromH: number, toH: number) => {
      let sum = 0;
      let n = 0;
      for (let d = 0; d < 14; d++) {
        for (let t = JAN + d * DAY + fromH * HOUR; t < JAN + d * DAY + toH * HOUR; t += 60_000, n++)
          sum += plain.powerAt(t);
      }
      return sum / n;
    };
    expect(mean(18, 22)).toBeGreaterThan(2 * mean(2, 5));
  });

  it('is reproducible for a seed and differs between days', () => {
    const again = new HouseholdLoad({ seed: 1, occupants: 2, heatPump: false, electricCar: false });
    expect(again.powerAt(JAN + 19 * HOUR)).toBe(plain.powerAt(JAN + 19 * HOUR));
    expect(dailyEnergyKwh(plain, JAN)).not.toBe(dailyEnergyKwh(plain, JAN + DAY));
  });

  it('adds a heat pump that works harder in winter, and an electric car on some evenings', () => {
    const heatPump = new HouseholdLoad({ seed: 1, occupants: 2, heatPump: true, electricCar: false });
    expect(dailyEnergyKwh(heatPump, JAN) - dailyEnergyKwh(plain, JAN)).toBeGreaterThan(5);
    expect(dailyEnergyKwh(heatPump, JUL) - dailyEnergyKwh(plain, JUL)).toBeLessThan(2);
    const car = new HouseholdLoad({ seed: 1, occupants: 2, heatPump: false, electricCar: true });
    let extra = 0;
    for (let d = 0; d < 14; d++)
      extra += dailyEnergyKwh(car, JAN + d * DAY) - dailyEnergyKwh(plain, JAN + d * DAY);
    expect(extra).toBeGreaterThan(20);
  });
});

describe('weather and air models', () => {
  it('is colder at dawn than mid-afternoon and colder in January than July', () => {
    const dawn = outdoorAt(JUL + 5 * HOUR).celsius;
    const afternoon = outdoorAt(JUL + 15 * HOUR).celsius;
    expect(afternoon).toBeGreaterThan(dawn);
    expect(outdoorAt(JAN + 15 * HOUR).celsius).toBeLessThan(afternoon);
  });

  it('raises CO2 in a shared room while it is busy and lets it fall at night', () => {
    const hall = new IndoorAir({ seed: 3, occupants: 40, busyAt: 19 });
    const busy = hall.co2At(JAN + 20 * HOUR);
    const night = hall.co2At(JAN + 5 * HOUR);
    expect(night).toBeLessThan(480);
    expect(busy).toBeGreaterThan(night + 300);
  });

  it('keeps particulates positive with PM10 above PM2.5', () => {
    for (let h = 0; h < 24; h++) {
      const pm = particulatesAt(JAN + h * HOUR);
      expect(pm.pm25).toBeGreaterThan(0);
      expect(pm.pm10).toBeGreaterThan(pm.pm25);
    }
  });
});
