import type { SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, pinNumber } from '../board-port.ts';
import { AnalogWindow } from './analog-average.ts';
import { round } from './analog-temperature.ts';
import type { Driver, DriverReading } from './driver.ts';

/**
 * An analog microphone module (electret with amplifier, output biased at mid-supply). Firmata's
 * reports (~50 per second) are far below audio rates, but samples taken at unrelated instants still
 * estimate the signal's RMS: the standard deviation of the window. The level is in dB relative to one
 * ADC step (an uncalibrated microphone cannot give dB SPL), floored at 0 dB.
 */
export class MicrophoneDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private readonly window = new AnalogWindow();

  constructor(private readonly opts: { id: string; pin: string; label?: string }) {
    this.sensors = [{ id: opts.id, quantity: 'sound', unit: 'dB', label: opts.label }];
  }

  attach(board: BoardPort): void {
    board.analogRead(pinNumber(this.opts.pin), (raw) => this.window.add(raw));
  }

  detach(): void {
    this.window.take();
  }

  async read(): Promise<DriverReading[]> {
    const w = this.window.take();
    if (!w || w.count < 2) return [];
    const db = 20 * Math.log10(Math.max(1, w.std));
    return [{ sensor: this.opts.id, quantity: 'sound', unit: 'dB', value: round(db, 1) }];
  }
}
