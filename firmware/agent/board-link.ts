import { Backoff } from './backoff.ts';
import type { TransportFactory } from './board-transport.ts';
import type { Driver } from './drivers/driver.ts';
import { FirmataBoard } from './firmata-board.ts';

export interface BoardLinkOptions {
  createTransport: TransportFactory;
  drivers: readonly Driver[];
  /** what the board is, for log lines: "/dev/ttyUSB0", "10.0.0.7:3030", "virtual" */
  describe: string;
  backoff?: Backoff;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Keeps a board connected: opens it, attaches the drivers once the handshake is done, and when the
 * board goes away (USB unplugged, Wi-Fi lost, firmware reset) detaches them and tries again with
 * backoff, for as long as the agent runs. A board that never answers is reported once, in one line.
 */
export class BoardLink {
  private board: FirmataBoard | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = true;
  private complained = false;
  private readonly backoff: Backoff;
  firmware: string | undefined;

  constructor(private readonly opts: BoardLinkOptions) {
    this.backoff = opts.backoff ?? new Backoff({ initialMs: 1000, maxMs: 30_000 });
  }

  get connected(): boolean {
    return this.board !== undefined;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const board = this.board;
    this.board = undefined;
    for (const d of this.opts.drivers) d.detach();
    await board?.stop();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const board = new FirmataBoard({
      transport: this.opts.createTransport(),
      readyTimeoutMs: this.opts.readyTimeoutMs,
    });
    try {
      await board.start();
    } catch (err) {
      await board.stop().catch(() => undefined);
      if (!this.complained) {
        this.log(
          `board: cannot reach ${this.opts.describe} (${(err as Error).message}) — check the cable or address and "board" in the config; retrying`,
        );
        this.complained = true;
      }
      this.schedule();
      return;
    }
    if (this.stopped) {
      await board.stop();
      return;
    }
    this.firmware = board.firmwareName;
    this.board = board;
    this.backoff.reset();
    if (this.complained) this.log(`board: connected to ${this.opts.describe}`);
    this.complained = false;
    for (const d of this.opts.drivers) {
      try {
        d.attach(board);
      } catch (err) {
        this.log(`board: ${d.sensors[0]?.id ?? 'sensor'}: ${(err as Error).message}`);
      }
    }
    board.once('lost', (err: Error) => {
      if (this.board !== board) return;
      this.board = undefined;
      for (const d of this.opts.drivers) d.detach();
      void board.stop().catch(() => undefined);
      this.log(`board: lost ${this.opts.describe} (${err.message}); reconnecting`);
      this.complained = true;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), this.backoff.next());
    this.retry.unref?.();
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}
