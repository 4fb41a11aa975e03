import type { EventEmitter } from 'node:events';

/**
 * A byte pipe to a board, shaped as firmata-io wants it: `write`, and the events `open`, `data`,
 * `close` and `error`. Serial (transport-serial.ts), TCP (transport-tcp.ts) and the virtual board
 * each provide one; `connect` opens it and is called after firmata-io has attached its listeners.
 */
export interface BoardTransport extends EventEmitter {
  write(data: Buffer | number[], callback?: (err?: Error | null) => void): unknown;
  connect(): void;
  close(callback?: () => void): void;
}

export type TransportFactory = () => BoardTransport;
