import { sensirionEncode } from '../../agent/drivers/sensirion-crc.ts';
import type { AirSample, I2cDevice } from './i2c-device.ts';

/** An SHT31 answering single-shot measurements (0x24xx, 0x2Cxx) with CRC-checked words. */
export class Sht31Chip implements I2cDevice {
  private result: number[] = [];

  constructor(
    readonly address: number,
    private readonly air: () => AirSample,
  ) {}

  write(bytes: readonly number[]): void {
    if (bytes[0] !== 0x24 && bytes[0] !== 0x2c) return;
    const s = this.air();
    const t = Math.round(((s.celsius + 45) / 175) * 65535);
    const h = Math.round((s.humidity / 100) * 65535);
    this.result = sensirionEncode([clamp16(t), clamp16(h)]);
  }

  read(length: number): number[] {
    const out = this.result.slice(0, length);
    this.result = [];
    // a real chip NACKs a read with no measurement; the host then sees no bytes
    return out;
  }
}

export function clamp16(v: number): number {
  return Math.max(0, Math.min(0xffff, v));
}
