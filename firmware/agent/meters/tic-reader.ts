import { interpretTic, isTicIndex, type TicMode } from '../../../protocol/interop/tic.ts';
import type { MeterFacts, MeterReader, SerialFraming } from './meter-reader.ts';
import { ProblemLog } from './problem-log.ts';
import { decodeTicFrame } from './tic-frame.ts';
import { TicFramer } from './tic-framer.ts';

export interface TicReaderOptions {
  mode: 'auto' | TicMode;
  /** where the adapter is, for log lines */
  path: string;
  onFacts: (facts: MeterFacts, at: number) => void;
  /** asks for the port to be opened again with `framing` (the automatic mode changing speed) */
  reopen: () => void;
  log: (line: string) => void;
  /** how long without a usable frame before the automatic mode tries the other speed */
  quietMs?: number;
  now?: number;
}

/** 7 data bits, even parity, 1 stop bit in both modes (Enedis-NOI-CPT_54E, "couche physique"). */
const BAUD: Record<TicMode, number> = { historique: 1200, standard: 9600 };

/**
 * A Linky's TIC, frame by frame. With `mode: auto` it listens at 1200 baud (historic mode, the
 * default of every meter), then 9600 (standard mode) if nothing checks out, and says which it found.
 * A frame in the other mode than the one configured is refused, and said once: on a real line the
 * wrong speed gives garbage and the quiet check says it instead.
 */
export class TicReader implements MeterReader {
  framing: SerialFraming;
  private readonly framer = new TicFramer();
  private readonly problems: ProblemLog;
  /** the mode frames are read in; undefined while the automatic mode is still looking */
  private locked: TicMode | undefined;
  private trying: TicMode;
  private lastGood: number;
  private switches = 0;
  private quietSaid = false;
  private wrongSaid = false;
  /** what went wrong since the start, for tests and the log */
  readonly counts = { frames: 0, badGroups: 0, droppedFrames: 0, wrongMode: 0 };

  constructor(private readonly opts: TicReaderOptions) {
    this.locked = opts.mode === 'auto' ? undefined : opts.mode;
    this.trying = this.locked ?? 'historique';
    this.framing = framingOf(this.trying);
    this.lastGood = opts.now ?? Date.now();
    this.problems = new ProblemLog({ log: opts.log });
  }

  get truncated(): number {
    return this.framer.truncated;
  }

  push(chunk: Uint8Array, now: number): void {
    for (const body of this.framer.push(chunk)) this.frame(body, now);
  }

  lost(): void {
    this.framer.reset();
  }

  tick(now: number): void {
    this.problems.tick(now);
    if (now - this.lastGood < (this.opts.quietMs ?? 8000)) return;
    this.lastGood = now;
    const s = Math.round((this.opts.quietMs ?? 8000) / 1000);
    if (this.opts.mode !== 'auto') {
      if (!this.quietSaid) {
        this.opts.log(
          `meter: no TIC frame in ${s} s at ${this.framing.baud} baud (${this.opts.mode} mode) — check the wires on I1 and I2; if the meter is in the other mode, set "mode": "auto"`,
        );
      }
      this.quietSaid = true;
      return;
    }
    if (this.locked) {
      this.opts.log(
        `meter: no TIC frame for ${s} s — check the wires on I1 and I2; looking for the mode again`,
      );
      this.locked = undefined;
      this.quietSaid = true;
    }
    // the automatic mode: the other speed
    this.trying = this.trying === 'historique' ? 'standard' : 'historique';
    this.switches++;
    if (this.switches === 2 && !this.quietSaid) {
      this.opts.log(
        `meter: no TIC frame at 1200 or 9600 baud on ${this.opts.path} — check the wires on I1 and I2 and "path"; still listening`,
      );
      this.quietSaid = true;
    }
    this.setFraming(this.trying);
  }

  private frame(body: string, now: number): void {
    const frame = decodeTicFrame(body);
    if (frame.mode === undefined) {
      this.counts.droppedFrames++;
      this.problems.note('unreadable frames', 'meter: a frame with no readable group: dropped', now);
      return;
    }
    if (this.locked === undefined) {
      this.locked = frame.mode;
      this.opts.log(`meter: TIC in ${frame.mode} mode (${BAUD[frame.mode]} baud, 7E1)`);
      this.setFraming(frame.mode);
    } else if (frame.mode !== this.locked) {
      this.counts.wrongMode++;
      if (!this.wrongSaid) {
        this.opts.log(
          `meter: the meter sends ${frame.mode}-mode frames but "mode" is "${this.locked}" — set "mode": "${frame.mode}" or "auto" in the config`,
        );
      }
      this.wrongSaid = true;
      return;
    }
    this.counts.badGroups += frame.bad;
    if (frame.bad > 0) {
      this.problems.note(
        'groups failing their checksum',
        `meter: ${frame.bad} group(s) failed their checksum: skipped, never stored`,
        now,
      );
    }
    const facts = interpretTic(frame.values, frame.mode);
    if (frame.badIndex || facts.malformed.some(isTicIndex)) {
      this.counts.droppedFrames++;
      this.problems.note(
        'frames dropped for a bad index',
        'meter: a frame with a bad index group: nothing of it is published',
        now,
      );
      return;
    }
    if (facts.malformed.length > 0) {
      this.problems.note(
        'fields that are not numbers',
        `meter: ${facts.malformed.join(', ')}: not the number the specification promises — skipped`,
        now,
      );
    }
    this.counts.frames++;
    this.lastGood = now;
    this.quietSaid = false;
    this.switches = 0;
    this.opts.onFacts(facts, now);
  }

  private setFraming(mode: TicMode): void {
    if (this.framing.baud === BAUD[mode]) return;
    this.framing = framingOf(mode);
    this.framer.reset();
    this.opts.reopen();
  }
}

function framingOf(mode: TicMode): SerialFraming {
  return { baud: BAUD[mode], dataBits: 7, parity: 'even' };
}
