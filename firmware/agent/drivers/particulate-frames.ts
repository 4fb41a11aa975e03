/**
 * Frames of the serial particulate sensors, from their datasheets:
 * - Nova Fitness SDS011 (laser dust sensor specification V1.3): 10 bytes,
 *   AA C0 PM2.5(lo,hi) PM10(lo,hi) ID(2) checksum AB; values in 0.1 µg/m³, checksum = sum of bytes 2-7.
 * - Plantower PMS5003 (data manual 2016): 32 bytes, 42 4D, length 28, 13 big-endian words, checksum
 *   word = sum of all bytes before it; words 5 and 6 are PM2.5 and PM10 under atmospheric conditions.
 */
export interface ParticulateSample {
  pm25: number;
  pm10: number;
}

export type ParticulateModel = 'sds011' | 'pms5003';

/** Reassembles frames from a byte stream that may split or garble them anywhere. */
export class ParticulateFrameParser {
  private buf: number[] = [];

  constructor(private readonly model: ParticulateModel) {}

  push(bytes: readonly number[]): ParticulateSample[] {
    this.buf.push(...bytes);
    const out: ParticulateSample[] = [];
    const size = this.model === 'sds011' ? 10 : 32;
    for (;;) {
      const start = this.findHeader();
      if (start < 0) {
        this.buf = this.buf.slice(-1);
        return out;
      }
      this.buf = this.buf.slice(start);
      if (this.buf.length < size) return out;
      const frame = this.buf.slice(0, size);
      const sample = this.model === 'sds011' ? parseSds011(frame) : parsePms5003(frame);
      // a bad frame: skip its header byte and look for the next one
      this.buf = this.buf.slice(sample ? size : 1);
      if (sample) out.push(sample);
    }
  }

  private findHeader(): number {
    const [a, b] = this.model === 'sds011' ? [0xaa, 0xc0] : [0x42, 0x4d];
    for (let i = 0; i + 1 < this.buf.length; i++) if (this.buf[i] === a && this.buf[i + 1] === b) return i;
    return -1;
  }
}

const at = (f: readonly number[], i: number) => f[i] ?? 0;

export function parseSds011(f: readonly number[]): ParticulateSample | undefined {
  let sum = 0;
  for (let i = 2; i <= 7; i++) sum += at(f, i);
  if (at(f, 9) !== 0xab || (sum & 0xff) !== at(f, 8)) return undefined;
  return { pm25: (at(f, 2) | (at(f, 3) << 8)) / 10, pm10: (at(f, 4) | (at(f, 5) << 8)) / 10 };
}

export function encodeSds011(s: ParticulateSample): number[] {
  const p25 = Math.round(s.pm25 * 10);
  const p10 = Math.round(s.pm10 * 10);
  const body = [p25 & 0xff, p25 >> 8, p10 & 0xff, p10 >> 8, 0x12, 0x34];
  const sum = body.reduce((a, b) => a + b, 0) & 0xff;
  return [0xaa, 0xc0, ...body, sum, 0xab];
}

export function parsePms5003(f: readonly number[]): ParticulateSample | undefined {
  let sum = 0;
  for (let i = 0; i < 30; i++) sum += at(f, i);
  const word = (i: number) => (at(f, i) << 8) | at(f, i + 1);
  if (word(2) !== 28 || word(30) !== (sum & 0xffff)) return undefined;
  return { pm25: word(12), pm10: word(14) };
}

/**
 * A PMS5003 frame as the sensor sends it, for virtual boards: CF=1 values equal to the atmospheric
 * ones (the manual's two sets differ only in heavy pollution); particle counts are not modelled (0).
 */
export function encodePms5003(s: ParticulateSample): number[] {
  const pm25 = Math.round(s.pm25);
  const pm10 = Math.round(s.pm10);
  const pm1 = Math.round(s.pm25 * 0.7);
  const words = [28, pm1, pm25, pm10, pm1, pm25, pm10, 0, 0, 0, 0, 0, 0, 0];
  const bytes = [0x42, 0x4d, ...words.flatMap((w) => [(w >> 8) & 0xff, w & 0xff])];
  const sum = bytes.reduce((a, b) => a + b, 0);
  return [...bytes, (sum >> 8) & 0xff, sum & 0xff];
}
