import { ADC_MAX, ADC_VREF, type AnalogStats } from './analog-average.ts';
import { round } from './round.ts';
import { type AnalogPinOptions, SingleAnalogDriver } from './single-analog-driver.ts';

export interface AnalogTemperatureOptions extends AnalogPinOptions {
  type: 'tmp36' | 'lm35';
}

/**
 * TMP36 (datasheet: 750 mV at 25 °C, 10 mV/°C, so 500 mV offset) and LM35 (10 mV/°C, 0 V at 0 °C).
 * The values reported over an interval are averaged, which also averages out ADC noise.
 */
export class AnalogTemperatureDriver extends SingleAnalogDriver {
  private readonly offsetVolts: number;

  constructor(opts: AnalogTemperatureOptions) {
    super(opts, 'temperature', '°C');
    this.offsetVolts = opts.type === 'tmp36' ? 0.5 : 0;
  }

  protected convert(w: AnalogStats): number {
    const volts = (w.mean / ADC_MAX) * ADC_VREF;
    return round((volts - this.offsetVolts) * 100, 2);
  }
}
