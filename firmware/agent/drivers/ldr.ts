import { ADC_MAX, type AnalogStats } from './analog-average.ts';
import { round } from './round.ts';
import { type AnalogPinOptions, SingleAnalogDriver } from './single-analog-driver.ts';

/**
 * A light-dependent resistor in a divider (LDR to 5 V, 10 kΩ to ground): more light, higher voltage.
 * An LDR is not calibrated in lux, so the reading is relative, 0-100 % of the ADC range.
 */
export class LdrDriver extends SingleAnalogDriver {
  constructor(opts: AnalogPinOptions) {
    super(opts, 'light', '%');
  }

  protected convert(w: AnalogStats): number {
    return round((w.mean / ADC_MAX) * 100, 1);
  }
}
