/**
 * A serial device wired to two digital pins of a simulated board, as an SDS011 or PMS5003 is to the
 * firmware's software serial port: it drives the board's RX pin with 8N1 frames timed in CPU cycles,
 * and decodes what the firmware sends on the board's TX pin the way a UART receiver does (start-bit
 * edge, then each bit sampled in its middle). Unconnected, the line idles high.
 *
 *   const sensor = new UartPins(board, { boardRx: 8, boardTx: 9, baud: 9600 });
 *   sensor.onByte = (b) => ...;
 *   sensor.send([0xaa, 0xc0, ...]);
 */
import type { AvrBoard } from './avr-board.ts';

const FREQUENCY_HZ = 16_000_000;

export interface UartPinsOptions {
  /** the board pin the device's TX drives (the firmware's RX) */
  boardRx: number;
  /** the board pin the device's RX listens to (the firmware's TX); omit for a transmit-only device */
  boardTx?: number;
  baud: number;
}

/** One edge the firmware made on its TX pin: the line level after it, and when. */
export interface LineEdge {
  high: boolean;
  cycle: number;
}

export class UartPins {
  /** called with each byte decoded from the firmware's TX pin */
  onByte: (byte: number) => void = () => {};
  /** every edge seen on the firmware's TX pin, for checks of the waveform itself */
  readonly edges: LineEdge[] = [];
  /** bytes whose stop bit was low */
  framingErrors = 0;
  /** CPU cycles per bit (1666.67 at 9600 baud and 16 MHz) */
  readonly bitCycles: number;
  private lineFreeAt = 0;
  private txHigh = true;
  private receiving = false;
  private readonly unwatch: (() => void) | undefined;

  constructor(
    private readonly board: AvrBoard,
    private readonly opts: UartPinsOptions,
  ) {
    this.bitCycles = FREQUENCY_HZ / opts.baud;
    board.setDigitalInput(opts.boardRx, true);
    if (opts.boardTx !== undefined) {
      this.unwatch = board.watchPin(opts.boardTx, (drive, cycle) => this.txChanged(drive !== 'low', cycle));
    }
  }

  /**
   * Sends bytes to the firmware's RX pin, back to back, after whatever is still being sent; the
   * first start bit begins no earlier than `gapBits` bit times from now. Returns the cycle at which
   * the last stop bit ends.
   */
  send(bytes: readonly number[], gapBits = 1): number {
    let t = Math.max(this.board.cycles + gapBits * this.bitCycles, this.lineFreeAt);
    for (const byte of bytes) {
      // start bit, 8 data bits LSB first, stop bit
      const levels = [false];
      for (let i = 0; i < 8; i++) levels.push(((byte >> i) & 1) === 1);
      levels.push(true);
      levels.forEach((high, i) => {
        this.board.atCycle(t + i * this.bitCycles, () => this.board.setDigitalInput(this.opts.boardRx, high));
      });
      t += 10 * this.bitCycles;
    }
    this.lineFreeAt = t;
    return t;
  }

  /** Stops decoding the firmware's TX pin. */
  close(): void {
    this.unwatch?.();
  }

  private txChanged(high: boolean, cycle: number): void {
    if (high === this.txHigh) return;
    this.txHigh = high;
    this.edges.push({ high, cycle });
    if (high || this.receiving) return;
    // a start bit: sample its middle, then the middle of each data bit and of the stop bit
    this.receiving = true;
    const half = this.bitCycles / 2;
    this.board.atCycle(cycle + half, () => {
      if (this.txHigh) {
        this.receiving = false; // a glitch, not a start bit
        return;
      }
      let byte = 0;
      for (let i = 0; i < 8; i++) {
        this.board.atCycle(cycle + half + (i + 1) * this.bitCycles, () => {
          if (this.txHigh) byte |= 1 << i;
        });
      }
      this.board.atCycle(cycle + half + 9 * this.bitCycles, () => {
        this.receiving = false;
        if (this.txHigh) this.onByte(byte);
        else this.framingErrors += 1;
      });
    });
  }
}
