/** A chip on the virtual board's I2C bus, answering what the host writes and reads. */
export interface I2cDevice {
  readonly address: number;
  write(bytes: readonly number[]): void;
  read(length: number): number[];
}

/** What the air around a chip is like right now; the models supply it. */
export interface AirSample {
  celsius: number;
  humidity: number;
  hPa: number;
  co2: number;
}
