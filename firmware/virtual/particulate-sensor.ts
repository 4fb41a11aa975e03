import { ParticulateCommandParser } from '../agent/drivers/particulate-commands.ts';
import { encodePms5003, encodeSds011, type ParticulateModel } from '../agent/drivers/particulate-frames.ts';

/** How long the fan takes to settle after waking, and how far off the first frames read. */
const SETTLE_MS = 30_000;
const SETTLE_BIAS = 0.5;

/**
 * An SDS011 or PMS5003 on a virtual board's software serial: awake at power-on, as both are, it
 * sends a frame a second of the modelled air; it obeys the sleep and wake commands of its
 * datasheet, and sends nothing while asleep. Frames of the first 30 s after waking read high,
 * decaying to the truth: a simple stand-in for a fan still settling, which the agent must discard.
 */
export class VirtualParticulateSensor {
  private readonly commands: ParticulateCommandParser;
  private awakeSince: number;
  private asleep = false;

  constructor(
    private readonly o: {
      model: ParticulateModel;
      air: () => { pm25: number; pm10: number };
      /** real ms: the sensor's fan and frames run on the wall clock, whatever the model's speed */
      clock: () => number;
    },
  ) {
    this.commands = new ParticulateCommandParser(o.model);
    this.awakeSince = o.clock() - SETTLE_MS;
  }

  get awake(): boolean {
    return !this.asleep;
  }

  /** bytes the host wrote to the sensor's RX */
  receive(bytes: readonly number[]): void {
    for (const c of this.commands.push(bytes)) {
      if (c === 'sleep') this.asleep = true;
      else if (this.asleep) {
        this.asleep = false;
        this.awakeSince = this.o.clock();
      }
    }
  }

  /** the frame it sends now, if awake */
  frame(): number[] | undefined {
    if (this.asleep) return undefined;
    const settled = Math.min(1, (this.o.clock() - this.awakeSince) / SETTLE_MS);
    const bias = 1 + SETTLE_BIAS * (1 - settled);
    const { pm25, pm10 } = this.o.air();
    const sample = { pm25: pm25 * bias, pm10: pm10 * bias };
    return this.o.model === 'sds011' ? encodeSds011(sample) : encodePms5003(sample);
  }
}
