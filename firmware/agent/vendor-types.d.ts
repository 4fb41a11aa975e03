/**
 * The parts of firmata-io 2.3 and johnny-five 2.1 the agent uses; neither package ships types.
 * Only firmata-board.ts imports them.
 */
declare module 'firmata-io' {
  import type { EventEmitter } from 'node:events';

  export interface FirmataOptions {
    reportVersionTimeout?: number;
    samplingInterval?: number;
  }

  export class Firmata extends EventEmitter {
    constructor(transport: EventEmitter, options?: FirmataOptions);
    static SYSEX_RESPONSE: Record<number, unknown>;
    isReady: boolean;
    firmware: { name?: string; version?: { major: number; minor: number } };
    SERIAL_PORT_IDs: { SW_SERIAL0: number };
    /** pin numbers of the analog channels, from the board's ANALOG_MAPPING answer */
    analogPins: number[];
    analogRead(channel: number, callback: (value: number) => void): void;
    reportAnalogPin(channel: number, value: 0 | 1): void;
    i2cConfig(delay?: number): this;
    i2cWrite(address: number, bytes: number[]): this;
    i2cReadOnce(address: number, register: number, length: number, callback: (data: number[]) => void): this;
    i2cReadOnce(address: number, length: number, callback: (data: number[]) => void): this;
    sysexCommand(message: number[]): this;
    sysexResponse(command: number, handler: (this: Firmata, data: number[]) => void): this;
    serialConfig(options: { portId: number; baud: number; rxPin?: number; txPin?: number }): void;
    serialRead(portId: number, callback: (data: number[]) => void): void;
    serialWrite(portId: number, bytes: number[]): void;
  }

  const bindTransport: { Firmata: typeof Firmata };
  export default bindTransport;
}

declare module 'johnny-five' {
  import type { EventEmitter } from 'node:events';

  export interface BoardOptions {
    io: EventEmitter;
    id?: string;
    repl?: boolean;
    debug?: boolean;
    sigint?: boolean;
    timeout?: number;
  }

  export class Board extends EventEmitter {
    constructor(options: BoardOptions);
    isReady: boolean;
    /** the "connect without ready" timeout johnny-five arms */
    timer: ReturnType<typeof setTimeout> | null;
  }

  const five: { Board: typeof Board };
  export default five;
}
