import { Backoff } from './backoff.ts';
import type { TransportFactory } from './board-transport.ts';
import type { Driver } from './drivers/driver.ts';
import { FirmataBoard } from './firmata-board.ts';

export interface BoardLinkOptions {
  createTransport: TransportFactory;
  drivers: readonly Driver[];
  /** what the board is, for log lines: "/dev/ttyUSB0", "10.0.0.7:3030", "virtual" */
  describe: string;
  /** the command that flashes the Communs firmware onto this board */
  flashCommand: string;
  backoff?: Backoff;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** the board answered the handshake: its firmware (name and version) is known */
  onFirmware?: (firmware: string) => void;
  /** the firmware sent a message (STRING_DATA) */
  onFirmwareMessage?: (text: string) => void;
}

/** Our firmware (firmware/mcu) and the virtual board announce themselves with these names. */
const COMMUNS_FIRMWARE = /^communs-/;

/**
 * Keeps a board connected: opens it, attaches the drivers once the handshake is done, and when the
 * board goes away (USB unplugged, Wi-Fi lost, firmware reset) detaches them and tries again with
 * backoff, for as long as the agent runs. A board that never answers is reported once, in one line;
 * so is a firmware other than ours when a sensor needs one of its extensions (StandardFirmata has no
 * pulse counter or clamp sampler), and each distinct message the firmware sends.
 */
export class BoardLink {
  private board: FirmataBoard | undefined;
  /** the board being connected: stop() closes it too, not only a connected one */
  private starting: FirmataBoard | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = true;
  private complained = false;
  private readonly backoff: Backoff;
  /** firmware texts already logged: a failing I2C read repeats its message every interval */
  private readonly heard = new Set<string>();
  private warnedFirmware: string | undefined;
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
    const starting = this.starting;
    this.board = undefined;
    this.starting = undefined;
    for (const d of this.opts.drivers) d.detach();
    await Promise.all([board?.stop(), starting?.stop().catch(() => undefined)]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const board = new FirmataBoard({
      transport: this.opts.createTransport(),
      readyTimeoutMs: this.opts.readyTimeoutMs,
    });
    this.starting = board;
    try {
      await board.start();
    } catch (err) {
      await board.stop().catch(() => undefined);
      if (this.stopped) return;
      if (!this.complained) {
        this.log(
          `board: cannot reach ${this.opts.describe} (${(err as Error).message}) — check the cable or address and "board" in the config; retrying`,
        );
        this.complained = true;
      }
      this.schedule();
      return;
    } finally {
      if (this.starting === board) this.starting = undefined;
    }
    if (this.stopped) {
      await board.stop();
      return;
    }
    this.firmware = board.firmwareVersion;
    this.board = board;
    this.backoff.reset();
    if (this.complained) this.log(`board: connected to ${this.opts.describe}`);
    this.complained = false;
    board.on('firmware-message', (text: string) => this.onFirmwareMessage(text));
    const ours = COMMUNS_FIRMWARE.test(board.firmwareName ?? '');
    if (!ours) this.warnNotOurs();
    if (this.firmware) this.opts.onFirmware?.(this.firmware);
    for (const d of this.opts.drivers) {
      // without our firmware such a driver would only send commands the board ignores
      if (!ours && d.communsExtension) continue;
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

  /** One line, once per firmware, naming the sensors it cannot serve and how to flash ours. */
  private warnNotOurs(): void {
    const needy = this.opts.drivers.flatMap((d) => (d.communsExtension ? [d.communsExtension] : []));
    const firmware = this.firmware ?? 'an unnamed firmware';
    if (needy.length === 0 || this.warnedFirmware === firmware) return;
    this.warnedFirmware = firmware;
    const list = needy.map((n) => `${n.id} (${n.what})`).join(', ');
    this.log(
      `board: ${this.opts.describe} runs ${firmware}, not the Communs firmware: ${list} ${needy.length > 1 ? 'need' : 'needs'} it and will stay silent — flash it with "${this.opts.flashCommand}" (add --board nano for a Nano with the old bootloader); the other sensors run`,
    );
  }

  private onFirmwareMessage(text: string): void {
    this.opts.onFirmwareMessage?.(text);
    if (this.heard.has(text)) return;
    if (this.heard.size < 100) this.heard.add(text);
    this.log(`board: the firmware says "${text.slice(0, 120)}"`);
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
