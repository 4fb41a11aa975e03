import { describe, expect, it } from 'vitest';
import { Bme280Chip } from '../../virtual/chips/bme280-chip.ts';
import { Bme280Driver } from './bme280.ts';
import {
  type Bme280Calibration,
  compensatePressure,
  encodeCalibration,
  parseCalibration,
  tFine,
} from './bme280-math.ts';
import { boardWithChips } from './i2c-fake.ts';

const noSleep = async () => {};

describe('BME280 compensation (Bosch datasheet)', () => {
  // the worked example of the BMP280 datasheet §3.12, which uses the same formulas
  const cal: Bme280Calibration = {
    T1: 27504,
    T2: 26435,
    T3: -1000,
    P: [36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000],
    H1: 0,
    H2: 0,
    H3: 0,
    H4: 0,
    H5: 0,
    H6: 0,
  };

  it('gives 25.08 °C and 100653 Pa for the example ADC values', () => {
    const fine = tFine(cal, 519888);
    expect(fine / 5120).toBeCloseTo(25.08, 2);
    expect(compensatePressure(cal, fine, 415148)).toBeCloseTo(100653.27, 0);
  });

  it('reads back the calibration it encodes, signed 12-bit H4/H5 included', () => {
    const c = { ...cal, H1: 75, H2: 354, H3: 0, H4: -341, H5: 50, H6: -30 };
    const { a, b } = encodeCalibration(c);
    expect(parseCalibration(a, b)).toEqual(c);
  });
});

describe('BME280 driver', () => {
  it('reads °C, %RH and hPa in forced mode from a chip', async () => {
    const air = { celsius: 21.5, humidity: 48, hPa: 1013.2, co2: 0 };
    const board = boardWithChips(new Bme280Chip(0x76, () => air));
    const d = new Bme280Driver({ id: 'air', sleep: noSleep });
    d.attach(board);
    expect(board.i2cEnabled).toBe(true);
    const readings = await d.read();
    expect(readings.map((r) => [r.sensor, r.quantity, r.unit])).toEqual([
      ['air-temperature', 'temperature', '°C'],
      ['air-humidity', 'humidity', '%'],
      ['air-pressure', 'pressure', 'hPa'],
    ]);
    expect(readings[0]?.value).toBeCloseTo(21.5, 1);
    expect(readings[1]?.value).toBeCloseTo(48, 0);
    expect(readings[2]?.value).toBeCloseTo(1013.2, 0);
    expect(board.i2cWrites.at(-1)?.bytes).toEqual([0xf4, 0b00100101]);
  });

  it('refuses a chip that does not answer with the BME280 id', async () => {
    const d = new Bme280Driver({ id: 'air', address: 0x77, sleep: noSleep });
    d.attach(boardWithChips());
    await expect(d.read()).rejects.toThrow(/no BME280 at 0x77/);
  });
});
