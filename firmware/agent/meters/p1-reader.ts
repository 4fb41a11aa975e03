import type { MeterFacts, MeterReader, SerialFraming } from './meter-reader.ts';
import { interpretP1 } from './p1-obis.ts';
import { P1Framer } from './p1-telegram.ts';
import { ProblemLog } from './problem-log.ts';

export interface P1ReaderOptions {
  baud: number;
  path: string;
  onFacts: (facts: MeterFacts, at: number) => void;
  log: (line: string) => void;
  /** DSMR 5 sends a telegram a second, DSMR 4 every 10 s: quieter than this is a problem */
  quietMs?: number;
  now?: number;
}

/**
 * A DSMR meter's P1 port, telegram by telegram: one whose CRC does not match is counted and
 * dropped whole (DSMR 5.0.2, 6.2: the CRC covers the telegram from "/" to "!").
 */
export class P1Reader implements MeterReader {
  readonly framing: SerialFraming;
  private readonly framer = new P1Framer();
  private readonly problems: ProblemLog;
  private lastGood: number;
  private quietSaid = false;
  readonly counts = { telegrams: 0, badCrc: 0, malformed: 0 };

  constructor(private readonly opts: P1ReaderOptions) {
    this.framing = { baud: opts.baud, dataBits: 8, parity: 'none' };
    this.lastGood = opts.now ?? Date.now();
    this.problems = new ProblemLog({ log: opts.log });
  }

  push(chunk: Uint8Array, now: number): void {
    for (const t of this.framer.push(chunk)) {
      if (!t.ok) {
        if (t.reason === 'crc') this.counts.badCrc++;
        else this.counts.malformed++;
        this.problems.note(
          t.reason === 'crc' ? 'telegrams failing their CRC' : 'malformed telegrams',
          `meter: a P1 telegram dropped (${t.detail}): nothing of it is published`,
          now,
        );
        continue;
      }
      const facts = interpretP1(t.objects);
      if (facts.malformed.length > 0) {
        this.problems.note(
          'objects that are not numbers',
          `meter: ${facts.malformed.join(', ')}: not the value DSMR promises — skipped`,
          now,
        );
      }
      this.counts.telegrams++;
      this.lastGood = now;
      this.quietSaid = false;
      this.opts.onFacts(facts, now);
    }
  }

  lost(): void {
    this.framer.reset();
  }

  tick(now: number): void {
    this.problems.tick(now);
    const quiet = this.opts.quietMs ?? 30_000;
    if (now - this.lastGood < quiet || this.quietSaid) return;
    this.quietSaid = true;
    this.opts.log(
      `meter: no P1 telegram in ${Math.round(quiet / 1000)} s on ${this.opts.path} — check the cable (RJ12 into the meter's P1 port) and that the port is enabled; some grid operators open it on request`,
    );
  }
}
