import { Duplex } from 'node:stream';

/**
 * The host side of the simulated board's USART0, shaped like a `serialport` port so that
 * `new Firmata(port)` from firmata-io (and johnny-five on top of it) accepts it: a byte Duplex with
 * `isOpen`, an `open` event, `close()`, `drain()` and `flush()`.
 */
export class SimSerialPort extends Duplex {
  readonly path = 'avr8js://usart0';
  readonly baudRate = 57600;
  isOpen = false;

  constructor(private readonly toBoard: (bytes: Uint8Array) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.toBoard(chunk);
    callback();
  }

  override _read(): void {
    // Bytes are pushed as the firmware transmits them; nothing to pull.
  }

  /** Bytes the firmware sent, handed to whoever reads the port. */
  deliver(bytes: Uint8Array): void {
    if (this.isOpen && bytes.length > 0) this.push(Buffer.from(bytes));
  }

  markOpen(): void {
    this.isOpen = true;
    this.emit('open');
  }

  close(callback?: (error: Error | null) => void): void {
    if (this.isOpen) {
      this.isOpen = false;
      this.emit('close');
    }
    callback?.(null);
  }

  drain(callback?: (error: Error | null) => void): void {
    callback?.(null);
  }

  flush(callback?: (error: Error | null) => void): void {
    callback?.(null);
  }
}
