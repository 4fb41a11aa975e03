import {
  BME280_CHIP_ID,
  type Bme280Calibration,
  compensateHumidity,
  compensatePressure,
  encodeCalibration,
  REG_CALIB_A,
  REG_CALIB_B,
  REG_CHIP_ID,
  REG_CTRL_MEAS,
  REG_DATA,
  tFine,
} from '../../agent/drivers/bme280-math.ts';
import type { AirSample, I2cDevice } from './i2c-device.ts';

/** Trimming values in the range real chips carry (each chip's differ; these are one plausible set). */
export const VIRTUAL_CALIBRATION: Bme280Calibration = {
  T1: 28485,
  T2: 26735,
  T3: 50,
  P: [36738, -10635, 3024, 6808, -2, -7, 9900, -10230, 4285],
  H1: 75,
  H2: 354,
  H3: 0,
  H4: 341,
  H5: 50,
  H6: 30,
};

/**
 * A BME280 as the host sees it: a register file with an auto-incrementing pointer (datasheet §6.2),
 * chip id 0x60, calibration blocks, and a forced-mode measurement when ctrl_meas is written with mode
 * 01. The raw ADC values are found by bisection on the datasheet's own compensation formulas, so a
 * correct driver reads back the model's values (to the chip's resolution).
 */
export class Bme280Chip implements I2cDevice {
  private readonly regs = new Uint8Array(256);
  private pointer = 0;

  constructor(
    readonly address: number,
    private readonly air: () => AirSample,
    private readonly cal: Bme280Calibration = VIRTUAL_CALIBRATION,
  ) {
    const { a, b } = encodeCalibration(cal);
    this.regs.set(a, REG_CALIB_A);
    this.regs.set(b, REG_CALIB_B);
    this.regs[REG_CHIP_ID] = BME280_CHIP_ID;
  }

  write(bytes: readonly number[]): void {
    const [reg, ...values] = bytes;
    if (reg === undefined) return;
    this.pointer = reg;
    // in write mode the chip takes register/value pairs (datasheet §6.2.1)
    for (let i = 0; i < values.length; i += 2) {
      const r = i === 0 ? reg : (values[i - 1] ?? 0);
      const v = values[i] ?? 0;
      this.regs[r] = v;
      if (r === REG_CTRL_MEAS && (v & 0x03) === 0x01) this.measure();
    }
  }

  read(length: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < length; i++) out.push(this.regs[(this.pointer + i) & 0xff] ?? 0);
    return out;
  }

  private measure(): void {
    const s = this.air();
    const cal = this.cal;
    const adcT = bisect(0, 0xfffff, (x) => tFine(cal, x) / 5120, s.celsius, true);
    const fine = tFine(cal, adcT);
    const adcP = bisect(0, 0xfffff, (x) => compensatePressure(cal, fine, x), s.hPa * 100, false);
    const adcH = bisect(0, 0xffff, (x) => compensateHumidity(cal, fine, x), s.humidity, true);
    this.regs.set(
      [
        adcP >> 12,
        (adcP >> 4) & 0xff,
        (adcP & 0x0f) << 4,
        adcT >> 12,
        (adcT >> 4) & 0xff,
        (adcT & 0x0f) << 4,
      ],
      REG_DATA,
    );
    this.regs.set([adcH >> 8, adcH & 0xff], REG_DATA + 6);
  }
}

/** The integer x in [lo, hi] where the monotonic f(x) comes closest to target. */
function bisect(
  lo: number,
  hi: number,
  f: (x: number) => number,
  target: number,
  increasing: boolean,
): number {
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (f(mid) < target === increasing) lo = mid;
    else hi = mid;
  }
  return Math.abs(f(lo) - target) <= Math.abs(f(hi) - target) ? lo : hi;
}
