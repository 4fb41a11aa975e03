import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { BoardTransport } from './board-transport.ts';

export interface SerialOptions {
  path: string;
  baud: number;
  /** 8N1 unless said: a Linky's TIC is 7E1 (the UART checks and strips the parity bit) */
  dataBits?: 7 | 8;
  parity?: 'none' | 'even';
}

/**
 * A board or a meter on a USB serial port (serialport 13): the one place the agent opens serial
 * ports. Opening the port resets an Uno or Nano (DTR), after which our firmware announces itself.
 * An unplugged cable closes the port with `disconnected`.
 */
export class SerialTransport extends EventEmitter implements BoardTransport {
  private port: SerialPort | undefined;

  constructor(private readonly opts: SerialOptions) {
    super();
  }

  connect(): void {
    const port = new SerialPort({
      path: this.opts.path,
      baudRate: this.opts.baud,
      dataBits: this.opts.dataBits ?? 8,
      parity: this.opts.parity ?? 'none',
      stopBits: 1,
      autoOpen: false,
    });
    this.port = port;
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('error', (e: Error) => this.emit('error', e));
    port.on('close', (e: unknown) => this.emit('close', e ?? { disconnect: true, disconnected: true }));
    port.open((err) => (err ? this.emit('error', err) : this.emit('open')));
  }

  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    if (!this.port?.isOpen) {
      callback?.(new Error('port not open'));
      return false;
    }
    return this.port.write(Buffer.from(data), (err) => callback?.(err ?? null));
  }

  close(callback?: () => void): void {
    if (this.port?.isOpen) this.port.close(() => callback?.());
    else callback?.();
  }
}
