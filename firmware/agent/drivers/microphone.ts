import type { AnalogStats } from './analog-average.ts';
import { round } from './round.ts';
import { type AnalogPinOptions, SingleAnalogDriver } from './single-analog-driver.ts';

/**
 * An analog microphone module (electret with amplifier, output biased at mid-supply). Firmata's
 * reports (~50 per second) are far below audio rates, but samples taken at unrelated instants still
 * estimate the signal's RMS: the standard deviation of the window. The level is in dB relative to one
 * ADC step (an uncalibrated microphone cannot give dB SPL), floored at 0 dB.
 */
export class MicrophoneDriver extends SingleAnalogDriver {
  constructor(opts: AnalogPinOptions) {
    super(opts, 'sound', 'dB');
  }

  protected convert(w: AnalogStats): number | undefined {
    if (w.count < 2) return undefined;
    return round(20 * Math.log10(Math.max(1, w.std)), 1);
  }
}
