import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { BoardTransport } from './board-transport.ts';

/** Firmata over TCP, as an ESP8266 running a Firmata bridge offers it (usually port 3030). */
export class TcpTransport extends EventEmitter implements BoardTransport {
  private socket: Socket | undefined;

  constructor(private readonly opts: { host: string; port: number; connectTimeoutMs?: number }) {
    super();
  }

  connect(): void {
    const socket = new Socket();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.opts.connectTimeoutMs ?? 5000, () => {
      socket.destroy(new Error(`no answer from ${this.opts.host}:${this.opts.port}`));
    });
    socket.on('connect', () => {
      // past the connect, silence is normal (a board with nothing to report)
      socket.setTimeout(0);
      this.emit('open');
    });
    socket.on('data', (d) => this.emit('data', d));
    socket.on('error', (e) => this.emit('error', e));
    socket.on('close', () => this.emit('close', { disconnect: true, disconnected: true }));
    socket.connect(this.opts.port, this.opts.host);
  }

  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    if (!this.socket || this.socket.destroyed) {
      callback?.(new Error('not connected'));
      return false;
    }
    return this.socket.write(Buffer.from(data), (err) => callback?.(err ?? null));
  }

  close(callback?: () => void): void {
    this.socket?.destroy();
    callback?.();
  }
}
