import type { AVRTWI, TWIEventHandler } from 'avr8js';

/** A simulated I2C peripheral: one per 7-bit address on the bus. */
export interface I2cDevice {
  /** A byte written by the controller after the address; return false to NACK it. */
  write(value: number): boolean;
  /** The next byte the controller reads. */
  read(): number;
  /** Start or repeated start addressed to this device. */
  begin?(direction: 'read' | 'write'): void;
  /** Stop condition after a transfer with this device. */
  end?(): void;
}

/**
 * Routes the ATmega's TWI transfers to simulated devices. Absent addresses NACK, which is what a
 * real bus without that device does.
 */
export class I2cBus implements TWIEventHandler {
  private current: I2cDevice | undefined;

  constructor(
    private readonly twi: AVRTWI,
    private readonly devices: ReadonlyMap<number, I2cDevice>,
  ) {}

  start(): void {
    this.twi.completeStart();
  }

  stop(): void {
    this.current?.end?.();
    this.current = undefined;
    this.twi.completeStop();
  }

  connectToSlave(address: number, write: boolean): void {
    this.current = this.devices.get(address);
    this.current?.begin?.(write ? 'write' : 'read');
    this.twi.completeConnect(this.current !== undefined);
  }

  writeByte(value: number): void {
    this.twi.completeWrite(this.current?.write(value) ?? false);
  }

  readByte(): void {
    this.twi.completeRead(this.current?.read() ?? 0xff);
  }
}

/**
 * The common register-file device (BME280, SHT31-style sensors): the first byte written sets the
 * register pointer, further writes store and advance it, reads return from it and advance it.
 */
export class RegisterI2cDevice implements I2cDevice {
  readonly registers = new Uint8Array(256);
  private pointer = 0;
  private expectPointer = false;

  begin(direction: 'read' | 'write'): void {
    this.expectPointer = direction === 'write';
  }

  write(value: number): boolean {
    if (this.expectPointer) {
      this.pointer = value & 0xff;
      this.expectPointer = false;
    } else {
      this.registers[this.pointer] = value;
      this.pointer = (this.pointer + 1) & 0xff;
    }
    return true;
  }

  read(): number {
    const value = this.registers[this.pointer] ?? 0xff;
    this.pointer = (this.pointer + 1) & 0xff;
    return value;
  }
}
