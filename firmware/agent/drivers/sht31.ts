import type { SensorDescription } from '../../../protocol/index.ts';
import type { BoardPort } from '../board-port.ts';
import { type Driver, type DriverReading, realSleep, type Sleep } from './driver.ts';
import { round } from './round.ts';
import { sensirionWords } from './sensirion-crc.ts';

/** Single shot, high repeatability, clock stretching off (SHT3x datasheet table 9): 15 ms max. */
export const SHT31_MEASURE = [0x24, 0x00];

export function sht31Celsius(raw: number): number {
  return -45 + (175 * raw) / 65535;
}
export function sht31Humidity(raw: number): number {
  return (100 * raw) / 65535;
}

/** Sensirion SHT31 (or SHT30/35) temperature and humidity over I2C. */
export class Sht31Driver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private board: BoardPort | undefined;
  private readonly address: number;
  private readonly sleep: Sleep;

  constructor(private readonly opts: { id: string; address?: number; label?: string; sleep?: Sleep }) {
    this.address = opts.address ?? 0x44;
    this.sleep = opts.sleep ?? realSleep;
    this.sensors = [
      { id: `${opts.id}-temperature`, quantity: 'temperature', unit: '°C', label: opts.label },
      { id: `${opts.id}-humidity`, quantity: 'humidity', unit: '%', label: opts.label },
    ];
  }

  attach(board: BoardPort): void {
    this.board = board;
    board.i2cConfig();
  }

  detach(): void {
    this.board = undefined;
  }

  async read(): Promise<DriverReading[]> {
    const board = this.board;
    if (!board) return [];
    board.i2cWrite(this.address, SHT31_MEASURE);
    await this.sleep(20);
    const words = sensirionWords(await board.i2cRead(this.address, null, 6), 2);
    if (!words) throw new Error(`SHT31 at 0x${this.address.toString(16)}: CRC mismatch`);
    const [t = 0, h = 0] = words;
    return [
      {
        sensor: `${this.opts.id}-temperature`,
        quantity: 'temperature',
        unit: '°C',
        value: round(sht31Celsius(t), 2),
      },
      {
        sensor: `${this.opts.id}-humidity`,
        quantity: 'humidity',
        unit: '%',
        value: round(sht31Humidity(h), 1),
      },
    ];
  }
}
