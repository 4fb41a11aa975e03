import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
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
 * An unplugged cable closes the port with `disconnected`. A port that is only read (a meter) may
 * not hear the unplugging: serialport takes the end-of-file a hung-up pseudo-terminal returns for
 * "no data yet" and reads again at once, forever. So the device behind the path is checked every
 * second, and a port whose device is gone or replaced is closed.
 */
export class SerialTransport extends EventEmitter implements BoardTransport {
  private port: SerialPort | undefined;
  private watch: NodeJS.Timeout | undefined;

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
    port.on('close', (e: unknown) => {
      clearInterval(this.watch);
      this.emit('close', e ?? { disconnect: true, disconnected: true });
    });
    port.open((err) => {
      if (err) return this.emit('error', err);
      this.watchDevice(port);
      this.emit('open');
    });
  }

  private watchDevice(port: SerialPort): void {
    const check = (rdev: number) =>
      stat(this.opts.path).then(
        (s) => s.rdev === rdev,
        () => false,
      );
    // a path with no device node behind it (COM3 on Windows) is not watched
    void stat(this.opts.path).then(
      ({ rdev }) => {
        if (!port.isOpen) return;
        this.watch = setInterval(() => {
          void check(rdev).then((same) => {
            if (!same && port.isOpen) port.close();
          });
        }, 1000);
        this.watch.unref?.();
      },
      () => undefined,
    );
  }

  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    if (!this.port?.isOpen) {
      callback?.(new Error('port not open'));
      return false;
    }
    return this.port.write(Buffer.from(data), (err) => callback?.(err ?? null));
  }

  close(callback?: () => void): void {
    clearInterval(this.watch);
    if (this.port?.isOpen) this.port.close(() => callback?.());
    else callback?.();
  }
}
