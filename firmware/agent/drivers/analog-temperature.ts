import type { SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, pinNumber } from '../board-port.ts';
import { ADC_MAX, ADC_VREF, AnalogWindow } from './analog-average.ts';
import type { Driver, DriverReading } from './driver.ts';

export interface AnalogTemperatureOptions {
  id: string;
  type: 'tmp36' | 'lm35';
  pin: string;
  label?: string;
}

/**
 * TMP36 (datasheet: 750 mV at 25 °C, 10 mV/°C, so 500 mV offset) and LM35 (10 mV/°C, 0 V at 0 °C).
 * The values reported over an interval are averaged, which also averages out ADC noise.
 */
export class AnalogTemperatureDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private readonly window = new AnalogWindow();
  private readonly offsetVolts: number;

  constructor(private readonly opts: AnalogTemperatureOptions) {
    this.offsetVolts = opts.type === 'tmp36' ? 0.5 : 0;
    this.sensors = [{ id: opts.id, quantity: 'temperature', unit: '°C', label: opts.label }];
  }

  attach(board: BoardPort): void {
    board.analogRead(pinNumber(this.opts.pin), (raw) => this.window.add(raw));
  }

  detach(): void {
    this.window.take();
  }

  async read(): Promise<DriverReading[]> {
    const w = this.window.take();
    if (!w) return [];
    const volts = (w.mean / ADC_MAX) * ADC_VREF;
    const celsius = (volts - this.offsetVolts) * 100;
    return [{ sensor: this.opts.id, quantity: 'temperature', unit: '°C', value: round(celsius, 2) }];
  }
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
