import { SCD4X } from '../../agent/drivers/scd4x.ts';
import { sensirionEncode } from '../../agent/drivers/sensirion-crc.ts';
import type { AirSample, I2cDevice } from './i2c-device.ts';
import { clamp16 } from './sht31-chip.ts';

/** Periodic measurement interval of the SCD40/41 (datasheet §3.5.1). */
const PERIOD_MS = 5000;

/** An SCD4x in periodic mode: a new measurement every 5 s of board time, read once. */
export class Scd4xChip implements I2cDevice {
  private periodic = false;
  private startedAt = 0;
  private readAt = Number.NEGATIVE_INFINITY;
  private reply: number[] = [];

  constructor(
    readonly address: number,
    private readonly air: () => AirSample,
    private readonly now: () => number,
  ) {}

  write(bytes: readonly number[]): void {
    const command = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
    const now = this.now();
    if (command === SCD4X.startPeriodic) {
      this.periodic = true;
      this.startedAt = now;
    } else if (command === SCD4X.dataReady) {
      this.reply = sensirionEncode([this.ready(now) ? 0x8006 : 0x8000]);
    } else if (command === SCD4X.readMeasurement && this.ready(now)) {
      const s = this.air();
      this.readAt = now;
      this.reply = sensirionEncode([
        clamp16(Math.round(s.co2)),
        clamp16(Math.round(((s.celsius + 45) / 175) * 65535)),
        clamp16(Math.round((s.humidity / 100) * 65535)),
      ]);
    }
  }

  read(length: number): number[] {
    const out = this.reply.slice(0, length);
    this.reply = [];
    return out;
  }

  private ready(now: number): boolean {
    if (!this.periodic || now - this.startedAt < PERIOD_MS) return false;
    return now - this.readAt >= PERIOD_MS;
  }
}
