import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { BoardTransport } from './board-transport.ts';

/**
 * A board on a USB serial port (serialport 13). Opening the port resets an Uno or Nano (DTR), after
 * which our firmware announces itself. An unplugged cable closes the port with `disconnected`.
 */
export class SerialTransport extends EventEmitter implements BoardTransport {
  private port: SerialPort | undefined;

  constructor(private readonly opts: { path: string; baud: number }) {
    super();
  }

  connect(): void {
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baud, autoOpen: false });
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
