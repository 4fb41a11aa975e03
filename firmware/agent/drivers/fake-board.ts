import type { BoardPort } from '../board-port.ts';

/**
 * A BoardPort for driver tests: records what the driver sends and lets the test play the board,
 * pushing analog values, sysex replies, serial bytes, and answering I2C reads from a function.
 */
export class FakeBoard implements BoardPort {
  readonly sent: number[][] = [];
  readonly i2cWrites: Array<{ address: number; bytes: number[] }> = [];
  readonly serialWrites: number[][] = [];
  i2cEnabled = false;
  private readonly analog = new Map<number, (raw: number) => void>();
  private readonly sysex = new Map<number, Set<(data: number[]) => void>>();
  private serial: ((bytes: number[]) => void) | undefined;

  constructor(
    private readonly onI2cRead: (
      address: number,
      register: number | null,
      length: number,
    ) => number[] = () => [],
  ) {}

  analogRead(channel: number, listener: (raw: number) => void): void {
    this.analog.set(channel, listener);
  }
  i2cConfig(): void {
    this.i2cEnabled = true;
  }
  i2cWrite(address: number, bytes: number[]): void {
    this.i2cWrites.push({ address, bytes });
  }
  async i2cRead(address: number, register: number | null, length: number): Promise<number[]> {
    return this.onI2cRead(address, register, length);
  }
  serialOpen(_rx: number, _tx: number | undefined, _baud: number, listener: (bytes: number[]) => void): void {
    this.serial = listener;
  }
  serialWrite(bytes: number[]): void {
    this.serialWrites.push(bytes);
  }
  sysexCommand(bytes: number[]): void {
    this.sent.push(bytes);
  }
  onSysex(command: number, listener: (data: number[]) => void): () => void {
    const set = this.sysex.get(command) ?? new Set();
    set.add(listener);
    this.sysex.set(command, set);
    return () => set.delete(listener);
  }

  /** the board reports an analog value on a channel */
  emitAnalog(channel: number, raw: number): void {
    this.analog.get(channel)?.(raw);
  }
  /** the board sends a sysex message: command byte then data */
  emitSysex(message: readonly number[]): void {
    const [command = -1, ...data] = message;
    for (const l of this.sysex.get(command) ?? []) l(data);
  }
  emitSerial(bytes: number[]): void {
    this.serial?.(bytes);
  }
}
