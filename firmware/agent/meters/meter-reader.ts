import type { MeterDescription, MeterStatus, Quantity, SensorDescription } from '../../../protocol/index.ts';

/** How the port is opened: TIC is 7E1 at 1200 or 9600 baud, P1 8N1 at 115200. */
export interface SerialFraming {
  baud: number;
  dataBits: 7 | 8;
  parity: 'even' | 'none';
}

/** What one frame (TIC) or telegram (P1) gave, in Communs' terms. */
export interface MeterFacts {
  readings: Array<{ sensor: string; quantity: Quantity; unit: string; value: number }>;
  sensors: SensorDescription[];
  meter: MeterDescription;
  status: MeterStatus;
}

/**
 * Turns the bytes of a meter's port into facts. It owns the framing the port must be opened with
 * (which may change: the TIC's automatic mode), and says what goes wrong through its log.
 */
export interface MeterReader {
  readonly framing: SerialFraming;
  /** bytes from the port, received at `now` */
  push(chunk: Uint8Array, now: number): void;
  /** the port closed: a frame in progress is dropped */
  lost(): void;
  /** called about once a second: a meter that went quiet is noticed here */
  tick(now: number): void;
}
