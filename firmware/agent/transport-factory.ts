import type { BoardConnection, SensorConfig } from '../../protocol/index.ts';
import { VirtualBoard } from '../virtual/virtual-board.ts';
import type { TransportFactory } from './board-transport.ts';
import { SerialTransport } from './transport-serial.ts';
import { TcpTransport } from './transport-tcp.ts';

/** A new transport per connection attempt, for the Firmata board the config names. */
export function transportFor(board: BoardConnection, sensors: readonly SensorConfig[]): TransportFactory {
  switch (board.type) {
    case 'serial':
      return () => new SerialTransport({ path: board.path, baud: board.baud });
    case 'tcp':
      return () => new TcpTransport({ host: board.host, port: board.port });
    case 'virtual':
      return () => new VirtualBoard({ model: board.model, sensors });
    case 'tic':
    case 'p1':
      throw new Error(`a ${board.type} board is a meter, not a Firmata board`);
  }
}

export function describeBoard(board: BoardConnection): string {
  switch (board.type) {
    case 'serial':
    case 'tic':
    case 'p1':
      return board.path;
    case 'tcp':
      return `${board.host}:${board.port}`;
    case 'virtual':
      return `a virtual board (${board.model.kind}, seed ${board.model.seed})`;
  }
}

/** How to flash the Communs firmware onto the board: over USB, so a TCP board must be plugged in. */
export function flashCommand(board: BoardConnection): string {
  return board.type === 'serial'
    ? `communs flash --port ${board.path}`
    : 'communs flash --port /dev/ttyUSB0 (with the board on USB)';
}
