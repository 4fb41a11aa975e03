import type { SensorDescription } from '../../../protocol/index.ts';
import { type BoardPort, digitalPinNumber } from '../board-port.ts';
import type { Driver, DriverReading } from './driver.ts';
import { encodeParticulateCommand, type ParticulateCommand } from './particulate-commands.ts';
import {
  ParticulateFrameParser,
  type ParticulateModel,
  type ParticulateSample,
} from './particulate-frames.ts';
import { round } from './round.ts';

/** The fan needs 30 s after waking before the readings settle (SDS011 control protocol V1.3,
 * PMS5003 data manual: "at least 30 seconds after the sensor wakeup"); then 10 frames are averaged. */
export const WARM_UP_MS = 30_000;
export const SAMPLE_MS = 10_000;
/** Frames heard while the sensor should sleep before the sleep command is sent again. */
const AWAKE_FRAMES_BEFORE_RETRY = 5;

type Phase = 'continuous' | 'warming' | 'sampling' | 'asleep';

/**
 * An SDS011 or PMS5003 on the board's software serial (9600 baud). Both send a frame about once a
 * second while awake. With `periodMinutes` 0 (or no TX pin to command the sensor) the readings are
 * the means of the frames received over each publish interval. With a period and a TX pin, the
 * laser is spared: at the start of every period the sensor is woken, the frames of the first
 * WARM_UP_MS are discarded, those of the next SAMPLE_MS make one reading, and the sensor is put to
 * sleep until the next period. The agent leaves it asleep when it stops.
 */
export class ParticulateDriver implements Driver {
  readonly sensors: readonly SensorDescription[];
  private parser: ParticulateFrameParser;
  private board: BoardPort | undefined;
  private phase: Phase = 'continuous';
  private timer: NodeJS.Timeout | undefined;
  private sum25 = 0;
  private sum10 = 0;
  private frames = 0;
  /** the mean of the last completed duty-cycle window, until it is read */
  private done: ParticulateSample | undefined;
  private framesWhileAsleep = 0;

  constructor(
    private readonly opts: {
      id: string;
      type: ParticulateModel;
      rxPin: string;
      txPin?: string;
      periodMinutes?: number;
      label?: string;
    },
  ) {
    this.parser = new ParticulateFrameParser(opts.type);
    this.sensors = [
      { id: `${opts.id}-pm25`, quantity: 'pm25', unit: 'µg/m³', label: opts.label },
      { id: `${opts.id}-pm10`, quantity: 'pm10', unit: 'µg/m³', label: opts.label },
    ];
  }

  private get periodMs(): number {
    return this.opts.txPin ? (this.opts.periodMinutes ?? 0) * 60_000 : 0;
  }

  attach(board: BoardPort): void {
    clearTimeout(this.timer);
    this.board = board;
    this.parser = new ParticulateFrameParser(this.opts.type);
    this.clearWindow();
    this.done = undefined;
    const tx = this.opts.txPin ? digitalPinNumber(this.opts.txPin) : undefined;
    board.serialOpen(digitalPinNumber(this.opts.rxPin), tx, 9600, (bytes) => this.heard(bytes));
    if (this.periodMs > 0) this.wake();
    else {
      this.phase = 'continuous';
      // a sensor left asleep by an earlier run with a period would never speak again
      if (tx !== undefined) this.send('wake');
    }
  }

  detach(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // nobody reads the sensor while the agent is away; a board already gone cannot pass this on
    if (this.opts.txPin && this.board) {
      try {
        this.send('sleep');
      } catch {}
    }
    this.board = undefined;
  }

  async read(): Promise<DriverReading[]> {
    let sample: ParticulateSample | undefined;
    if (this.phase === 'continuous') {
      sample = this.mean();
      this.clearWindow();
    } else {
      sample = this.done;
      this.done = undefined;
    }
    if (!sample) return [];
    return [
      { sensor: `${this.opts.id}-pm25`, quantity: 'pm25', unit: 'µg/m³', value: round(sample.pm25, 1) },
      { sensor: `${this.opts.id}-pm10`, quantity: 'pm10', unit: 'µg/m³', value: round(sample.pm10, 1) },
    ];
  }

  /** The start of a period: wake, let the fan settle, sample, sleep, and again at the next period. */
  private wake(): void {
    this.send('wake');
    this.phase = 'warming';
    this.after(WARM_UP_MS, () => {
      this.clearWindow();
      this.phase = 'sampling';
      this.after(SAMPLE_MS, () => {
        this.done = this.mean() ?? this.done;
        this.send('sleep');
        this.phase = 'asleep';
        this.framesWhileAsleep = 0;
        this.after(this.periodMs - WARM_UP_MS - SAMPLE_MS, () => this.wake());
      });
    });
  }

  private heard(bytes: number[]): void {
    for (const s of this.parser.push(bytes)) {
      if (this.phase === 'continuous' || this.phase === 'sampling') {
        this.sum25 += s.pm25;
        this.sum10 += s.pm10;
        this.frames += 1;
      } else if (this.phase === 'asleep' && ++this.framesWhileAsleep >= AWAKE_FRAMES_BEFORE_RETRY) {
        // the sensor missed the command (a garbled byte on the line): its laser is still running
        this.framesWhileAsleep = 0;
        this.send('sleep');
      }
    }
  }

  private send(command: ParticulateCommand): void {
    this.board?.serialWrite(encodeParticulateCommand(this.opts.type, command));
  }

  private after(ms: number, fn: () => void): void {
    this.timer = setTimeout(fn, Math.max(0, ms));
    this.timer.unref?.();
  }

  private mean(): ParticulateSample | undefined {
    if (this.frames === 0) return undefined;
    return { pm25: this.sum25 / this.frames, pm10: this.sum10 / this.frames };
  }

  private clearWindow(): void {
    this.sum25 = 0;
    this.sum10 = 0;
    this.frames = 0;
  }
}
