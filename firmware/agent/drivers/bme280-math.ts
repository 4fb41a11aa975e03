/**
 * BME280 trimming parameters and compensation, from the Bosch BME280 datasheet (BST-BME280-DS002),
 * §4.2.2 (register layout) and §8.1 (compensation formulas in double precision).
 */
export interface Bme280Calibration {
  T1: number;
  T2: number;
  T3: number;
  P: [number, number, number, number, number, number, number, number, number];
  H1: number;
  H2: number;
  H3: number;
  H4: number;
  H5: number;
  H6: number;
}

export const BME280_CHIP_ID = 0x60;
export const REG_CHIP_ID = 0xd0;
export const REG_CALIB_A = 0x88; // 26 bytes: T1..P9, then H1 at 0xA1
export const REG_CALIB_B = 0xe1; // 7 bytes: H2..H6
export const REG_CTRL_HUM = 0xf2;
export const REG_CTRL_MEAS = 0xf4;
export const REG_DATA = 0xf7; // 8 bytes: press[3], temp[3], hum[2]

const u16 = (b: readonly number[], i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const s16 = (b: readonly number[], i: number) => (u16(b, i) << 16) >> 16;
const s12 = (v: number) => (v << 20) >> 20;

export function parseCalibration(a: readonly number[], b: readonly number[]): Bme280Calibration {
  const P = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => (k === 0 ? u16(a, 6) : s16(a, 6 + 2 * k)));
  const e4 = b[3] ?? 0;
  const e5 = b[4] ?? 0;
  const e6 = b[5] ?? 0;
  return {
    T1: u16(a, 0),
    T2: s16(a, 2),
    T3: s16(a, 4),
    P: P as Bme280Calibration['P'],
    H1: a[25] ?? 0,
    H2: s16(b, 0),
    H3: b[2] ?? 0,
    H4: s12((e4 << 4) | (e5 & 0x0f)),
    H5: s12((e6 << 4) | (e5 >> 4)),
    H6: ((b[6] ?? 0) << 24) >> 24,
  };
}

/** The two calibration blocks a chip with these parameters holds (used by the virtual chip). */
export function encodeCalibration(c: Bme280Calibration): { a: number[]; b: number[] } {
  const le = (v: number) => [v & 0xff, (v >> 8) & 0xff];
  const a = [...le(c.T1), ...le(c.T2), ...le(c.T3), ...c.P.flatMap(le), 0, c.H1 & 0xff];
  const h4 = c.H4 & 0xfff;
  const h5 = c.H5 & 0xfff;
  const b = [...le(c.H2), c.H3 & 0xff, h4 >> 4, (h4 & 0x0f) | ((h5 & 0x0f) << 4), h5 >> 4, c.H6 & 0xff];
  return { a, b };
}

export interface Bme280Values {
  celsius: number;
  pascal: number;
  humidity: number;
}

export function tFine(c: Bme280Calibration, adcT: number): number {
  const v1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const d = adcT / 131072 - c.T1 / 8192;
  return v1 + d * d * c.T3;
}

export function compensatePressure(c: Bme280Calibration, fine: number, adcP: number): number {
  const [P1, P2, P3, P4, P5, P6, P7, P8, P9] = c.P;
  let v1 = fine / 2 - 64000;
  let v2 = (v1 * v1 * P6) / 32768;
  v2 = v2 + v1 * P5 * 2;
  v2 = v2 / 4 + P4 * 65536;
  v1 = ((P3 * v1 * v1) / 524288 + P2 * v1) / 524288;
  v1 = (1 + v1 / 32768) * P1;
  if (v1 === 0) return 0; // avoids a division by zero, as the datasheet does
  let p = 1048576 - adcP;
  p = ((p - v2 / 4096) * 6250) / v1;
  v1 = (P9 * p * p) / 2147483648;
  v2 = (p * P8) / 32768;
  return p + (v1 + v2 + P7) / 16;
}

export function compensateHumidity(c: Bme280Calibration, fine: number, adcH: number): number {
  let h = fine - 76800;
  h =
    (adcH - (c.H4 * 64 + (c.H5 / 16384) * h)) *
    ((c.H2 / 65536) * (1 + (c.H6 / 67108864) * h * (1 + (c.H3 / 67108864) * h)));
  h = h * (1 - (c.H1 * h) / 524288);
  return Math.min(100, Math.max(0, h));
}

/** Raw ADC values from the 8 data bytes at 0xF7. */
export function parseData(d: readonly number[]): { adcP: number; adcT: number; adcH: number } {
  const b = (i: number) => d[i] ?? 0;
  return {
    adcP: (b(0) << 12) | (b(1) << 4) | (b(2) >> 4),
    adcT: (b(3) << 12) | (b(4) << 4) | (b(5) >> 4),
    adcH: (b(6) << 8) | b(7),
  };
}

export function compensate(c: Bme280Calibration, adcT: number, adcP: number, adcH: number): Bme280Values {
  const fine = tFine(c, adcT);
  return {
    celsius: fine / 5120,
    pascal: compensatePressure(c, fine, adcP),
    humidity: compensateHumidity(c, fine, adcH),
  };
}
