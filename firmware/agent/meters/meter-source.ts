import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type {
  MeterBoard,
  MeterDescription,
  MeterStatus,
  SensorDescription,
} from '../../../protocol/index.ts';
import type { BoardTransport } from '../board-transport.ts';
import type { ReadingSource, TimedReading } from '../reading-source.ts';
import { SerialTransport } from '../transport-serial.ts';
import { IndexPower } from './index-power.ts';
import { MeterLink } from './meter-link.ts';
import type { MeterFacts, MeterReader, SerialFraming } from './meter-reader.ts';
import { P1Reader } from './p1-reader.ts';
import { TicReader } from './tic-reader.ts';

export interface MeterSourceOptions {
  board: MeterBoard;
  /** the port; by default the serial adapter at `board.path` */
  open?: (framing: SerialFraming) => BoardTransport;
  clock?: () => number;
  log: (line: string) => void;
}

/** The active power a TIC reader works out from the index (IndexPower): declared as this. */
export const INDEX_POWER: SensorDescription = {
  id: 'power',
  quantity: 'power',
  unit: 'W',
  label: 'Puissance active moyenne, d’après les index',
};

/**
 * A utility meter's own output as the node's source of readings: the meter declares what it
 * measures, so the sensors are those its frames carried so far (the meta grows when a new one
 * appears, and the agent publishes it again first). Each interval takes the latest good frame, once:
 * a meter that went quiet publishes nothing rather than its last values again.
 */
export class MeterSource extends EventEmitter implements ReadingSource {
  private readonly link: MeterLink;
  readonly reader: MeterReader;
  private readonly declared = new Map<string, SensorDescription>();
  private description: MeterDescription | undefined;
  private status: MeterStatus | undefined;
  private latest: { facts: MeterFacts; at: number } | undefined;
  private readonly indexPower = new IndexPower();
  private powerW: number | undefined;

  constructor(private readonly opts: MeterSourceOptions) {
    super();
    const { board, log } = opts;
    const clock = opts.clock ?? Date.now;
    const onFacts = (facts: MeterFacts, at: number) => this.take(facts, at);
    this.reader =
      board.type === 'tic'
        ? new TicReader({
            mode: board.mode,
            path: board.path,
            onFacts,
            reopen: () => this.link.reopen(),
            log,
            now: clock(),
          })
        : new P1Reader({ baud: board.baud, path: board.path, onFacts, log, now: clock() });
    const open = opts.open ?? ((f: SerialFraming) => new SerialTransport({ path: board.path, ...f }));
    this.link = new MeterLink({ open, reader: this.reader, describe: board.path, clock, log });
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get board(): string {
    return this.opts.board.type === 'tic' ? 'linky' : 'dsmr';
  }

  get firmware(): undefined {
    return undefined;
  }

  sensors(): SensorDescription[] {
    return [...this.declared.values()];
  }

  meter(): MeterDescription | undefined {
    return this.description;
  }

  meterStatus(): MeterStatus | undefined {
    return this.status;
  }

  start(): void {
    this.link.start();
  }

  stop(): Promise<void> {
    return this.link.stop();
  }

  async read(): Promise<TimedReading[]> {
    const latest = this.latest;
    this.latest = undefined;
    if (!latest) return [];
    const out: TimedReading[] = latest.facts.readings.map((r) => ({ ...r, ts: latest.at }));
    if (this.powerW !== undefined) {
      out.push({
        sensor: INDEX_POWER.id,
        quantity: 'power',
        unit: 'W',
        value: Math.round(this.powerW),
        ts: latest.at,
      });
    }
    return out;
  }

  private take(facts: MeterFacts, at: number): void {
    this.latest = { facts, at };
    let grew = false;
    for (const s of facts.sensors) {
      if (isDeepStrictEqual(this.declared.get(s.id), s)) continue;
      this.declared.set(s.id, s);
      grew = true;
    }
    this.estimatePower(facts, at);
    if (this.powerW !== undefined && !this.declared.has(INDEX_POWER.id)) {
      this.declared.set(INDEX_POWER.id, INDEX_POWER);
      grew = true;
    }
    const description = { ...this.description, ...facts.meter };
    if (grew || !isDeepStrictEqual(description, this.description)) {
      this.description = description;
      this.emit('meta');
    }
    if (!isDeepStrictEqual(facts.status, this.status)) {
      this.status = facts.status;
      this.emit('status');
    }
  }

  /** A TIC gives apparent power only: active power comes from its index registers (IndexPower). */
  private estimatePower(facts: MeterFacts, at: number): void {
    if (this.opts.board.type !== 'tic') return;
    const wholes = facts.sensors.filter((s) => !s.partOf);
    const sum = (q: string) =>
      facts.readings
        .filter((r) => r.quantity === q && wholes.some((s) => s.id === r.sensor))
        .reduce((t, r) => t + r.value, 0);
    if (!facts.readings.some((r) => r.quantity === 'energy')) return;
    this.indexPower.update(sum('energy') - sum('energy_exported'), at);
    this.powerW = this.indexPower.power;
  }
}
