import type { SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, pinNumber } from '../board-port.ts';
import { ADC_MAX, AnalogWindow } from './analog-average.ts';
import { round } from './analog-temperature.ts';
import type { Driver, DriverReading } from './driver.ts';

/**
 * A light-dependent resistor in a divider (LDR to 5 V, 10 kΩ to ground): more light, higher voltage.
 * An LDR is not calibrated in lux, so the reading is relative, 0-100 % of the ADC range.
 */
export class LdrDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private readonly window = new AnalogWindow();

  constructor(private readonly opts: { id: string; pin: string; label?: string }) {
    this.sensors = [{ id: opts.id, quantity: 'light', unit: '%', label: opts.label }];
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
    return [
      { sensor: this.opts.id, quantity: 'light', unit: '%', value: round((w.mean / ADC_MAX) * 100, 1) },
    ];
  }
}
