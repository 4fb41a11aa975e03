import { EventEmitter } from 'node:events';
import type { BoardTransport } from '../../../firmware/agent/board-transport.ts';
import type { AvrBoard } from '../../../firmware/sim/avr-board.ts';

/** The simulated board's serial port as the agent's transport: connecting powers the board on. */
export class AvrTransport extends EventEmitter implements BoardTransport {
  constructor(private readonly board: AvrBoard) {
    super();
    const port = board.transport;
    port.on('open', () => this.emit('open'));
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('close', () => this.emit('close'));
    port.on('error', (e: Error) => this.emit('error', e));
  }
  connect(): void {
    this.board.start();
  }
  write(data: Buffer | number[], callback?: (err?: Error | null) => void): boolean {
    return this.board.transport.write(Buffer.from(data), (err) => callback?.(err ?? null));
  }
  close(callback?: () => void): void {
    void this.board.stop().finally(() => callback?.());
  }
}
