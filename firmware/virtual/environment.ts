import type { SensorConfig, VirtualModel } from '../../protocol/index.ts';
import { i2cAddressOf } from '../agent/config-check.ts';
import { Bme280Chip } from './chips/bme280-chip.ts';
import type { AirSample, I2cDevice } from './chips/i2c-device.ts';
import { Scd4xChip } from './chips/scd4x-chip.ts';
import { Sht31Chip } from './chips/sht31-chip.ts';
import { HouseholdLoad } from './models/household-load.ts';
import { IndoorAir, particulatesAt } from './models/indoor-air.ts';
import { bump, hash, hourOfDay, MINUTE } from './models/random.ts';
import { SolarOutput } from './models/solar-output.ts';
import { outdoorAt } from './models/weather.ts';

/** ADC reference of the simulated board, V, and the mains voltage it sits on. */
export const BOARD_VREF = 5;
export const MAINS_VOLTS = 230;
/** typical of a household mix of resistive and motor loads */
export const POWER_FACTOR = 0.97;
/** a clamp on an installation's output reads a 9 kWp roof, a village hall's or a school's */
const SOLAR_PEAK_W = 9000;

/**
 * What the sensors wired to a virtual board sense, from the physical models: the household's load
 * (for the meter and the clamp) or a roof's solar output (for a clamp on its inverter's line), the air (for the climate chips), the light and noise of the room.
 * `now` is simulated time.
 */
export class BoardEnvironment {
  readonly load: HouseholdLoad;
  /** what a clamp on a solar inverter's line senses (`production: true`) */
  readonly solar: SolarOutput;
  readonly chips: I2cDevice[];
  private readonly indoor: IndoorAir;

  constructor(
    private readonly model: VirtualModel,
    sensors: readonly SensorConfig[],
    readonly now: () => number,
  ) {
    this.load = new HouseholdLoad(model);
    this.solar = new SolarOutput({ seed: model.seed, peakW: SOLAR_PEAK_W });
    this.indoor = new IndoorAir({
      seed: model.seed,
      occupants: model.kind === 'household' ? model.occupants : Math.max(model.occupants, 10),
      busyAt: 14 + 6 * hash(model.seed, 50),
    });
    const air = () => this.air();
    this.chips = [];
    for (const s of sensors) {
      const address = i2cAddressOf(s);
      if (address === undefined) continue;
      if (s.type === 'bme280') this.chips.push(new Bme280Chip(address, air));
      if (s.type === 'sht31') this.chips.push(new Sht31Chip(address, air));
      if (s.type === 'scd4x') this.chips.push(new Scd4xChip(address, air, now));
    }
  }

  private airCache: { t: number; sample: AirSample } | undefined;

  /** The air the chips sense now (computed once per instant: several chips may ask). */
  air(): AirSample {
    const t = this.now();
    if (this.airCache?.t === t) return this.airCache.sample;
    const sample = this.computeAir(t);
    this.airCache = { t, sample };
    return sample;
  }

  private computeAir(t: number): AirSample {
    if (this.model.kind === 'outdoor') {
      const o = outdoorAt(t);
      return { ...o, co2: 420 + Math.round(10 * hash(t / MINUTE, this.model.seed)) };
    }
    return {
      celsius: this.indoor.celsiusAt(t),
      humidity: this.indoor.humidityAt(t),
      hPa: outdoorAt(t).hPa,
      co2: this.indoor.co2At(t),
    };
  }

  particulates(): { pm25: number; pm10: number } {
    return particulatesAt(this.now());
  }

  /** The raw 10-bit value an analog sensor of this type reads now. */
  analog(type: SensorConfig['type']): number {
    const t = this.now();
    const counts = (volts: number) => Math.max(0, Math.min(1023, Math.round((volts / BOARD_VREF) * 1023)));
    const noise = (hash(t, this.model.seed, 60) - 0.5) * 2;
    switch (type) {
      case 'tmp36':
        return counts(0.5 + this.air().celsius / 100 + noise * 0.002);
      case 'lm35':
        return counts(this.air().celsius / 100 + noise * 0.002);
      case 'ldr': {
        const h = hourOfDay(t);
        const daylight = bump(h, 13, 9);
        const lamps = this.indoor.occupancy(t) > 0 && (h < 8 || h > 17) ? 0.35 : 0;
        return counts(BOARD_VREF * Math.min(0.98, 0.02 + 0.8 * daylight + lamps));
      }
      case 'microphone': {
        const level = 3 + 40 * Math.min(1, this.indoor.occupancy(t) / 10);
        return counts(2.5 + ((level * noise) / 1023) * BOARD_VREF);
      }
      default:
        return 0;
    }
  }
}
