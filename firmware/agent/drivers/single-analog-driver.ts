import type { Quantity, SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, pinNumber } from '../board-port.ts';
import { type AnalogStats, AnalogWindow } from './analog-average.ts';
import type { Driver, DriverReading } from './driver.ts';

export interface AnalogPinOptions {
  id: string;
  pin: string;
  label?: string;
}

/**
 * A sensor on one analog pin giving one value per interval: the reports Firmata sends between two
 * reads are collected in a window, and the subclass turns the window into the value.
 */
export abstract class SingleAnalogDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private readonly window = new AnalogWindow();
  private readonly pin: AnalogPinOptions;
  private readonly quantity: Quantity;
  private readonly unit: string;

  constructor(pin: AnalogPinOptions, quantity: Quantity, unit: string) {
    this.pin = pin;
    this.quantity = quantity;
    this.unit = unit;
    this.sensors = [{ id: pin.id, quantity, unit, label: pin.label }];
  }

  attach(board: BoardPort): void {
    board.analogRead(pinNumber(this.pin.pin), (raw) => this.window.add(raw));
  }

  detach(): void {
    this.window.take();
  }

  async read(): Promise<DriverReading[]> {
    const w = this.window.take();
    const value = w && this.convert(w);
    if (value === undefined) return [];
    return [{ sensor: this.pin.id, quantity: this.quantity, unit: this.unit, value }];
  }

  /** The value for a window of raw ADC reports; undefined when the window cannot give one. */
  protected abstract convert(w: AnalogStats): number | undefined;
}
