import type { SensorDescription } from '../../../protocol/index.ts';
import type { BoardPort } from '../board-port.ts';
import { type Driver, type DriverReading, realSleep, type Sleep } from './driver.ts';
import { sensirionWords } from './sensirion-crc.ts';

/** SCD4x commands (Sensirion SCD4x datasheet §3.5-3.9), 16-bit, MSB first. */
export const SCD4X = {
  startPeriodic: 0x21b1,
  readMeasurement: 0xec05,
  dataReady: 0xe4b8,
} as const;

const cmd = (c: number) => [c >> 8, c & 0xff];

/**
 * Sensirion SCD40/41 photoacoustic CO2 sensor in periodic mode (one measurement every 5 s). Only CO2
 * is published: the chip's own temperature is biased by its self-heating.
 */
export class Scd4xDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private board: BoardPort | undefined;
  private readonly address: number;
  private readonly sleep: Sleep;

  constructor(private readonly opts: { id: string; address?: number; label?: string; sleep?: Sleep }) {
    this.address = opts.address ?? 0x62;
    this.sleep = opts.sleep ?? realSleep;
    this.sensors = [{ id: opts.id, quantity: 'co2', unit: 'ppm', label: opts.label }];
  }

  attach(board: BoardPort): void {
    this.board = board;
    board.i2cConfig();
    board.i2cWrite(this.address, cmd(SCD4X.startPeriodic));
  }

  detach(): void {
    this.board = undefined;
  }

  async read(): Promise<DriverReading[]> {
    const board = this.board;
    if (!board) return [];
    board.i2cWrite(this.address, cmd(SCD4X.dataReady));
    await this.sleep(1);
    const [status = 0] = sensirionWords(await board.i2cRead(this.address, null, 3), 1) ?? [];
    // the low 11 bits are 0 while no new measurement is ready (datasheet §3.8.2)
    if ((status & 0x07ff) === 0) return [];
    board.i2cWrite(this.address, cmd(SCD4X.readMeasurement));
    await this.sleep(1);
    const words = sensirionWords(await board.i2cRead(this.address, null, 9), 3);
    if (!words) throw new Error(`SCD4x at 0x${this.address.toString(16)}: CRC mismatch`);
    return [{ sensor: this.opts.id, quantity: 'co2', unit: 'ppm', value: words[0] ?? 0 }];
  }
}
