/**
 * What a driver may ask of a board, whatever carries it (serial, TCP, a virtual board). The
 * johnny-five adapter (firmata-board.ts) implements it for real; tests implement it with a fake.
 * Pins are Arduino numbers: analog channel 0 is A0, digital pin 2 is D2.
 */
export interface BoardPort {
  /** starts analog reporting of a channel; the listener gets raw 10-bit values */
  analogRead(channel: number, listener: (raw: number) => void): void;
  /** turns on the I2C bus (SDA/SCL on A4/A5) */
  i2cConfig(): void;
  i2cWrite(address: number, bytes: number[]): void;
  /** reads `length` bytes, after writing `register` first when it is not null */
  i2cRead(address: number, register: number | null, length: number): Promise<number[]>;
  /** opens the board's software serial port (Firmata serial, SW_SERIAL0) on these pins */
  serialOpen(
    rxPin: number,
    txPin: number | undefined,
    baud: number,
    listener: (bytes: number[]) => void,
  ): void;
  /** sends bytes to the sensor on the software serial port (its TX pin must have been given) */
  serialWrite(bytes: number[]): void;
  /** sends a sysex message: command byte then 7-bit data bytes, without F0/F7 */
  sysexCommand(bytes: number[]): void;
  /** listens to sysex replies with this command byte; returns an unsubscribe */
  onSysex(command: number, listener: (data: number[]) => void): () => void;
}

/** "A3" → 3, "D2" → 2: an analog channel, or a digital pin given as Dn */
export function pinNumber(pin: string): number {
  return Number(pin.slice(1));
}

/** The Uno's digital pin number: "D9" → 9, "A3" → 17 (A0–A5 are digital pins 14–19). */
export function digitalPinNumber(pin: string): number {
  return pin.startsWith('A') ? 14 + Number(pin.slice(1)) : Number(pin.slice(1));
}
