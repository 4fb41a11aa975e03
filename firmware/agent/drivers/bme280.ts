import type { SensorDescription } from '../../../protocol/index.ts';
import type { BoardPort } from '../board-port.ts';
import {
  BME280_CHIP_ID,
  type Bme280Calibration,
  compensate,
  parseCalibration,
  parseData,
  REG_CALIB_A,
  REG_CALIB_B,
  REG_CHIP_ID,
  REG_CTRL_HUM,
  REG_CTRL_MEAS,
  REG_DATA,
} from './bme280-math.ts';
import { type Driver, type DriverReading, realSleep, type Sleep } from './driver.ts';
import { round } from './round.ts';

export interface Bme280Options {
  id: string;
  address?: number;
  label?: string;
  sleep?: Sleep;
}

/**
 * Bosch BME280 over I2C in forced mode (datasheet §3.3.3): one measurement per read, so the chip
 * sleeps (0.1 µA) between publish intervals. Oversampling ×1 everywhere; a measurement takes < 10 ms.
 */
export class Bme280Driver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private board: BoardPort | undefined;
  private calibration: Bme280Calibration | undefined;
  private readonly address: number;
  private readonly sleep: Sleep;

  constructor(opts: Bme280Options) {
    this.address = opts.address ?? 0x76;
    this.sleep = opts.sleep ?? realSleep;
    const label = opts.label;
    this.sensors = [
      { id: `${opts.id}-temperature`, quantity: 'temperature', unit: '°C', label },
      { id: `${opts.id}-humidity`, quantity: 'humidity', unit: '%', label },
      { id: `${opts.id}-pressure`, quantity: 'pressure', unit: 'hPa', label },
    ];
  }

  attach(board: BoardPort): void {
    this.board = board;
    this.calibration = undefined; // a replugged board may carry another chip
    board.i2cConfig();
  }

  detach(): void {
    this.board = undefined;
  }

  async read(): Promise<DriverReading[]> {
    const board = this.board;
    if (!board) return [];
    if (!this.calibration) {
      const [id] = await board.i2cRead(this.address, REG_CHIP_ID, 1);
      if (id !== BME280_CHIP_ID)
        throw new Error(`no BME280 at 0x${this.address.toString(16)} (chip id ${id})`);
      const a = await board.i2cRead(this.address, REG_CALIB_A, 26);
      const b = await board.i2cRead(this.address, REG_CALIB_B, 7);
      this.calibration = parseCalibration(a, b);
    }
    // ctrl_hum only takes effect after a write to ctrl_meas (datasheet §5.4.3)
    board.i2cWrite(this.address, [REG_CTRL_HUM, 0x01]);
    board.i2cWrite(this.address, [REG_CTRL_MEAS, 0b001_001_01]);
    await this.sleep(10);
    const raw = parseData(await board.i2cRead(this.address, REG_DATA, 8));
    const v = compensate(this.calibration, raw.adcT, raw.adcP, raw.adcH);
    const [t, h, p] = this.sensors;
    return [
      { sensor: t?.id ?? '', quantity: 'temperature', unit: '°C', value: round(v.celsius, 2) },
      { sensor: h?.id ?? '', quantity: 'humidity', unit: '%', value: round(v.humidity, 1) },
      { sensor: p?.id ?? '', quantity: 'pressure', unit: 'hPa', value: round(v.pascal / 100, 2) },
    ];
  }
}
