import { Backoff } from '../backoff.ts';
import type { BoardTransport } from '../board-transport.ts';
import type { MeterReader, SerialFraming } from './meter-reader.ts';

export interface MeterLinkOptions {
  /** a new port with this framing: the serial adapter, or the demo's in-process stream */
  open: (framing: SerialFraming) => BoardTransport;
  reader: MeterReader;
  /** where the adapter is, for log lines */
  describe: string;
  clock?: () => number;
  backoff?: Backoff;
  log: (line: string) => void;
  tickMs?: number;
}

/**
 * Keeps a meter's port open, as BoardLink keeps a board: bytes go to the reader; a port that closes
 * (the adapter unplugged) is said once and opened again with backoff. The reader may ask for the
 * port again with another framing (the TIC's automatic mode changing speed).
 */
export class MeterLink {
  private port: BoardTransport | undefined;
  private open = false;
  private stopped = true;
  private complained = false;
  private opened = false;
  private retry: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly clock: () => number;

  constructor(private readonly opts: MeterLinkOptions) {
    this.backoff = opts.backoff ?? new Backoff({ initialMs: 1000, maxMs: 30_000 });
    this.clock = opts.clock ?? Date.now;
  }

  get connected(): boolean {
    return this.open;
  }

  start(): void {
    this.stopped = false;
    this.ticker = setInterval(() => {
      if (this.open) this.opts.reader.tick(this.clock());
    }, this.opts.tickMs ?? 1000);
    this.ticker.unref?.();
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.ticker);
    await this.release();
  }

  /** Opens the port again at once, with the reader's current framing. */
  reopen(): void {
    if (this.stopped) return;
    void this.release().then(() => this.connect());
  }

  private connect(): void {
    if (this.stopped || this.port) return;
    const framing = this.opts.reader.framing;
    const port = this.opts.open(framing);
    this.port = port;
    port.on('open', () => {
      if (this.port !== port) return;
      this.open = true;
      this.backoff.reset();
      if (this.complained) this.log(`meter: connected to ${this.opts.describe}`);
      else if (!this.opened) {
        const f = framing;
        this.log(
          `meter: listening on ${this.opts.describe} (${f.baud} baud ${f.dataBits}${f.parity[0]?.toUpperCase()}1)`,
        );
      }
      this.complained = false;
      this.opened = true;
    });
    port.on('data', (d: Buffer) => {
      if (this.port === port) this.opts.reader.push(d, this.clock());
    });
    port.on('error', (err: Error) => this.down(port, err.message));
    port.on('close', () => this.down(port, 'the port closed'));
    port.connect();
  }

  private down(port: BoardTransport, why: string): void {
    if (this.port !== port) return;
    const was = this.open;
    this.port = undefined;
    this.open = false;
    this.opts.reader.lost();
    port.close();
    if (!this.complained) {
      this.log(
        was
          ? `meter: lost ${this.opts.describe} (${why}); reconnecting`
          : `meter: cannot open ${this.opts.describe} (${why}) — check the USB adapter and "path" in the config; retrying`,
      );
      this.complained = true;
    }
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connect(), this.backoff.next());
    this.retry.unref?.();
  }

  private release(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.open = false;
    this.opts.reader.lost();
    return new Promise((resolve) => (port ? port.close(() => resolve()) : resolve()));
  }

  private log(line: string): void {
    this.opts.log(line);
  }
}
