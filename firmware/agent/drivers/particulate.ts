import type { SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, pinNumber } from '../board-port.ts';
import type { Driver, DriverReading } from './driver.ts';
import { ParticulateFrameParser, type ParticulateModel } from './particulate-frames.ts';
import { round } from './round.ts';

/**
 * An SDS011 or PMS5003 on the board's software serial (9600 baud). Both send a frame about once a
 * second; the readings are the means of the frames received over the publish interval.
 */
export class ParticulateDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private parser: ParticulateFrameParser;
  private sum25 = 0;
  private sum10 = 0;
  private frames = 0;

  constructor(
    private readonly opts: {
      id: string;
      type: ParticulateModel;
      rxPin: string;
      txPin?: string;
      label?: string;
    },
  ) {
    this.parser = new ParticulateFrameParser(opts.type);
    this.sensors = [
      { id: `${opts.id}-pm25`, quantity: 'pm25', unit: 'µg/m³', label: opts.label },
      { id: `${opts.id}-pm10`, quantity: 'pm10', unit: 'µg/m³', label: opts.label },
    ];
  }

  attach(board: BoardPort): void {
    this.parser = new ParticulateFrameParser(this.opts.type);
    const tx = this.opts.txPin ? pinNumber(this.opts.txPin) : undefined;
    board.serialOpen(pinNumber(this.opts.rxPin), tx, 9600, (bytes) => {
      for (const s of this.parser.push(bytes)) {
        this.sum25 += s.pm25;
        this.sum10 += s.pm10;
        this.frames += 1;
      }
    });
  }

  detach(): void {}

  async read(): Promise<DriverReading[]> {
    if (this.frames === 0) return [];
    const pm25 = this.sum25 / this.frames;
    const pm10 = this.sum10 / this.frames;
    this.sum25 = 0;
    this.sum10 = 0;
    this.frames = 0;
    return [
      { sensor: `${this.opts.id}-pm25`, quantity: 'pm25', unit: 'µg/m³', value: round(pm25, 1) },
      { sensor: `${this.opts.id}-pm10`, quantity: 'pm10', unit: 'µg/m³', value: round(pm10, 1) },
    ];
  }
}
