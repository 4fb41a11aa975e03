import { EventEmitter } from 'node:events';
import type { BoardConnection, SensorConfig, SensorDescription } from '../../protocol/index.ts';
import { BoardLink } from './board-link.ts';
import type { TransportFactory } from './board-transport.ts';
import { createDriver } from './drivers/create-driver.ts';
import type { Driver, Sleep } from './drivers/driver.ts';
import type { ReadingSource, TimedReading } from './reading-source.ts';
import { describeBoard, flashCommand } from './transport-factory.ts';

export interface FirmataSourceOptions {
  board: BoardConnection;
  sensors: readonly SensorConfig[];
  createTransport: TransportFactory;
  /** the board model the kit names (uno, nano, ...) */
  boardModel?: string | undefined;
  sleep?: Sleep;
  log: (line: string) => void;
}

/**
 * A Firmata board (serial, TCP or virtual) kept connected by BoardLink, and the kit's drivers. Beside
 * the ReadingSource events: `firmware` once the board answered (the meta sent at connect may predate
 * its firmware's name), `board-message` with each message the board's firmware sent (a bad config, an
 * I2C device not answering).
 */
export class FirmataSource extends EventEmitter implements ReadingSource {
  readonly drivers: Driver[];
  private readonly link: BoardLink;
  private readonly failing = new Set<string>();

  constructor(private readonly opts: FirmataSourceOptions) {
    super();
    this.drivers = opts.sensors.map((s) => createDriver(s, opts.sleep));
    this.link = new BoardLink({
      createTransport: opts.createTransport,
      drivers: this.drivers,
      describe: describeBoard(opts.board),
      flashCommand: flashCommand(opts.board),
      log: opts.log,
      onFirmware: (firmware) => this.emit('firmware', firmware),
      onFirmwareMessage: (text) => this.emit('board-message', text),
    });
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get board(): string | undefined {
    return this.opts.board.type === 'virtual' ? 'virtual' : (this.opts.boardModel ?? 'arduino');
  }

  get firmware(): string | undefined {
    return this.link.firmware;
  }

  sensors(): SensorDescription[] {
    return this.drivers.flatMap((d) => d.sensors);
  }

  meter(): undefined {
    return undefined;
  }

  meterStatus(): undefined {
    return undefined;
  }

  start(): void {
    this.link.start();
  }

  stop(): Promise<void> {
    return this.link.stop();
  }

  async read(clock: () => number): Promise<TimedReading[]> {
    if (!this.link.connected) return [];
    const out: TimedReading[] = [];
    for (const d of this.drivers) {
      const name = d.sensors[0]?.id ?? 'sensor';
      try {
        const ts = clock();
        for (const r of await d.read(ts)) out.push({ ...r, ts });
        if (this.failing.delete(name)) this.opts.log(`sensor ${name}: reading again`);
      } catch (err) {
        // one line when a sensor starts failing, not one per interval
        if (!this.failing.has(name)) this.opts.log(`sensor ${name}: ${(err as Error).message}`);
        this.failing.add(name);
      }
    }
    return out;
  }
}
